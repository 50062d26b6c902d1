using Akka.TestKit.Xunit2;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>An actor system and a spool directory of the test's own; the directory goes after the system (and its exporters) stopped.</summary>
public abstract class SpoolTestKit : TestKit, IDisposable
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    internal SpoolDirectory Directory { get; } = new();

    void IDisposable.Dispose()
    {
        Dispose();
        Directory.Dispose();
        GC.SuppressFinalize(this);
    }
}
