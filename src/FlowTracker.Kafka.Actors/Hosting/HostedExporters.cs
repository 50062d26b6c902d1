using System.Runtime.CompilerServices;
using Akka.Actor;

namespace FlowTracker.Kafka.Actors.Hosting;

/// <summary>
/// The exporter of each actor system built with <c>WithFlowTrackerKafkaExporter</c>, started by whichever
/// comes first: Akka.Hosting's start, or dependency injection asking for it. ASP.NET Core resolves the
/// exporters when <c>UseFlowTracker()</c> runs, before the host (and Akka.Hosting's start-up) has started.
/// </summary>
internal static class HostedExporters
{
    private static readonly ConditionalWeakTable<ActorSystem, KafkaTraceExporter> Exporters = [];
    private static readonly object Gate = new();

    public static KafkaTraceExporter GetOrStart(ActorSystem system)
    {
        lock (Gate)
        {
            if (Exporters.TryGetValue(system, out var started))
            {
                return started;
            }

            var setup = system.Settings.Setup.Get<FlowTrackerKafkaSetup>();
            if (!setup.HasValue)
            {
                throw new InvalidOperationException(
                    $"Actor system '{system.Name}' has no FlowTracker Kafka exporter: add it with WithFlowTrackerKafkaExporter(...) in AddAkka.");
            }

            var exporter = KafkaTraceExporter.Create(system.Settings.Config, setup.Value.Producer).StartIn(system);
            Exporters.Add(system, exporter);
            return exporter;
        }
    }
}
