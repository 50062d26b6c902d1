using FlowTracker.Kafka.Actors.Tests.Integration.Spool;

namespace FlowTracker.Kafka.Actors.Tests.Support;

/// <summary>
/// This test assembly run as a program (<c>dotnet FlowTracker.Kafka.Actors.Tests.dll ...</c>): a real second process
/// for the tests that need one (killed by SIGKILL mid-write, or holding a spool's lock). The test host never calls it.
/// </summary>
public static class TestProcessEntry
{
    public static int Main(string[] args) => args.FirstOrDefault() switch
    {
        SpoolChild.Append => SpoolChild.AppendUntilKilled(args[1]),
        SpoolChild.Hold => SpoolChild.HoldUntilStdinCloses(args[1]),
        SpoolChild.Export => SpoolChild.ExportUntilKilled(args[1], args[2], args[3], int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)),
        _ => 2,
    };
}
