using Akka.TestKit.Xunit2;

namespace FlowTracker.Kafka.Actors.Tests.Integration.Spool;

/// <summary>An actor system and a spool directory of the test's own; the directory goes after the system (and its exporters) stopped.</summary>
public abstract class SpoolTestKit : TestKit, IDisposable
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    internal SpoolDirectory SpoolDirectory { get; } = new();

    void IDisposable.Dispose()
    {
        Dispose();
        SpoolDirectory.Dispose();
        GC.SuppressFinalize(this);
    }
}
