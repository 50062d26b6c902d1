using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using Akka.DependencyInjection;
using FlowTracker.Kafka.Actors.Settings;
using Microsoft.Extensions.Configuration;

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

            // The section, merged over the application's HOCON whatever order the builder calls came in; validated once, here.
            var code = setup.Value;
            var config = code.Section is { } section ? section.SafeWithFallback(system.Settings.Config) : system.Settings.Config;
            var exporter = KafkaTraceExporter.Create(config, code.Code, Environment(system), code.SectionKeyName).StartIn(system);
            Exporters.Add(system, exporter);
            return exporter;
        }
    }

    /// <summary>
    /// The process's environment variables, and the <c>FLOWTRACKER_KAFKA_*</c> keys at the root of the application's
    /// IConfiguration (appsettings.json, its environment provider, ...), which win: the application composed them.
    /// </summary>
    private static Dictionary<string, string> Environment(ActorSystem system)
    {
        var environment = new Dictionary<string, string>(KafkaExporterHocon.ProcessEnvironment(), StringComparer.Ordinal);
        var resolver = system.Settings.Setup.Get<DependencyResolverSetup>();
        if (resolver.HasValue && resolver.Value.DependencyResolver.GetService<IConfiguration>() is { } configuration)
        {
            foreach (var entry in configuration.GetChildren())
            {
                if (entry.Key.StartsWith(KafkaExporterHocon.VariablePrefix, StringComparison.OrdinalIgnoreCase) && entry.Value is { } value)
                {
                    environment[entry.Key.ToUpperInvariant()] = value;
                }
            }
        }

        return environment;
    }
}
