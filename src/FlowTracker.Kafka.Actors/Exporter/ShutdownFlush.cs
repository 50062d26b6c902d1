using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Akka;
using Akka.Actor;
using Akka.Event;
using FlowTracker.Kafka.Actors.Settings;

namespace FlowTracker.Kafka.Actors.Exporter;

/// <summary>
/// Registers the exporter's CoordinatedShutdown task and makes its phase long enough for the flush.
/// CoordinatedShutdown runs on <c>CoordinatedShutdown.Run</c>, on <c>ActorSystem.Terminate()</c> (Akka's
/// <c>run-by-actor-system-terminate</c>, on by default) and when Akka.Hosting's host stops.
/// </summary>
/// <remarks>
/// One task per system and phase flushes the exporters of that phase still running. Akka.NET cannot remove a
/// task once added, so a task per exporter would keep every exporter ever started on a long-lived system
/// reachable (its accounting, ledger, materializer) long after it stopped.
/// </remarks>
internal static class ShutdownFlush
{
    /// <summary>What the phase needs beyond the flush timeout: stopping the stream, disposing the producer, and the spool's last commit (at most <see cref="Spool.TraceSpool.FinalCommitBudget"/>).</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);

    private static readonly ConditionalWeakTable<ActorSystem, RunningExporters> Running = new();

    /// <exception cref="ArgumentException">The phase is not one of the system's CoordinatedShutdown phases.</exception>
    public static void Register(ActorSystem system, KafkaTraceExporter exporter, KafkaExporterSettings settings)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        TimeSpan phaseTimeout;
        try
        {
            phaseTimeout = shutdown.Timeout(settings.ShutdownPhase);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(
                $"Kafka exporter option {settings.KeyName(nameof(settings.ShutdownPhase))} = '{settings.ShutdownPhase}' is invalid: it is not a CoordinatedShutdown phase of actor system '{system.Name}' (for example 'service-stop').",
                settings.KeyName(nameof(settings.ShutdownPhase)),
                ex);
        }

        var needed = settings.FlushTimeout + Margin;
        if (phaseTimeout < needed && !TryRaiseTimeout(shutdown, settings.ShutdownPhase, needed))
        {
            exporter.Lifetime.Log.Warning(
                "FlowTracker Kafka exporter: CoordinatedShutdown phase {ShutdownPhase} has timeout {PhaseTimeout}, shorter than the flush timeout {FlushTimeout} plus {Margin}; set {PhaseTimeoutKey} = {NeededSeconds}s or the flush may be cut short.",
                settings.ShutdownPhase, phaseTimeout, settings.FlushTimeout, Margin, $"akka.coordinated-shutdown.phases.{settings.ShutdownPhase}.timeout", Math.Ceiling(needed.TotalSeconds));
        }

        var running = Running.GetValue(system, static _ => new RunningExporters());
        if (running.Add(settings.ShutdownPhase, exporter))
        {
            var phase = settings.ShutdownPhase;
            shutdown.AddTask(phase, "flowtracker-kafka-exporter-flush", async () =>
            {
                var exporters = running.Of(phase);
                await Task.WhenAll(exporters.Select(e => e.FlushOnShutdownAsync(e.Settings.FlushTimeout + Margin))).ConfigureAwait(false);
                return Done.Instance;
            });
        }
    }

    /// <summary>The exporter has ended: its phase's task no longer flushes it, nor keeps it reachable.</summary>
    public static void Unregister(ActorSystem system, KafkaTraceExporter exporter)
    {
        if (Running.TryGetValue(system, out var running))
        {
            running.Remove(exporter.Settings.ShutdownPhase, exporter);
        }
    }

    /// <summary>
    /// Akka.NET reads phase timeouts from configuration once and offers no API to change one later, so an
    /// exporter added to a running system replaces its phase's entry with a longer copy. Returns false (and
    /// the caller warns, naming the HOCON key) if Akka's internals ever change shape.
    /// </summary>
    private static bool TryRaiseTimeout(CoordinatedShutdown shutdown, string phase, TimeSpan timeout)
    {
        const BindingFlags Any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        try
        {
            if (typeof(CoordinatedShutdown).GetProperty("Phases", Any)?.GetValue(shutdown) is not IDictionary phases || phases[phase] is not { } current)
            {
                return false;
            }

            var type = current.GetType();
            var dependsOn = type.GetProperty("DependsOn", Any)?.GetValue(current);
            var recover = type.GetProperty("Recover", Any)?.GetValue(current);
            var constructor = dependsOn is null || recover is null ? null : type.GetConstructor(Any, [dependsOn.GetType(), typeof(TimeSpan), typeof(bool)]);
            if (constructor is null)
            {
                return false;
            }

            phases[phase] = constructor.Invoke([dependsOn, timeout, recover]);
            return shutdown.Timeout(phase) == timeout;
        }
        catch (Exception ex) when (ex is TargetInvocationException or ArgumentException or InvalidCastException or MemberAccessException)
        {
            return false;
        }
    }

    /// <summary>One system's running exporters, by shutdown phase.</summary>
    private sealed class RunningExporters
    {
        private readonly Dictionary<string, HashSet<KafkaTraceExporter>> _byPhase = [];

        /// <returns>True for the phase's first exporter: its task is still to be added.</returns>
        public bool Add(string phase, KafkaTraceExporter exporter)
        {
            lock (_byPhase)
            {
                var first = !_byPhase.TryGetValue(phase, out var exporters);
                if (exporters is null)
                {
                    exporters = [];
                    _byPhase[phase] = exporters;
                }

                exporters.Add(exporter);
                return first;
            }
        }

        public void Remove(string phase, KafkaTraceExporter exporter)
        {
            lock (_byPhase)
            {
                if (_byPhase.TryGetValue(phase, out var exporters))
                {
                    exporters.Remove(exporter);
                }
            }
        }

        public KafkaTraceExporter[] Of(string phase)
        {
            lock (_byPhase)
            {
                return _byPhase.TryGetValue(phase, out var exporters) ? [.. exporters] : [];
            }
        }
    }
}
