using FlowTracker.Kafka.Actors.Settings;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlowTracker.Kafka.Actors.Hosting;

/// <summary>
/// The exporter's health, from its accounting. Unhealthy: it cannot send any more (stopped, an
/// application's producer dead, the restart budget spent). Degraded: it still works but needs an eye
/// (brokers unreachable, the buffer 80% full, a producer rebuilt in the last minute, the spool not working or
/// 80% full). Healthy otherwise.
/// </summary>
internal static class ExporterHealth
{
    public const double BufferThreshold = 0.8;
    public static readonly TimeSpan RecentRestart = TimeSpan.FromMinutes(1);

    public static HealthCheckResult Evaluate(ExporterStats stats, KafkaExporterSettings settings, bool stopped, DateTimeOffset now)
    {
        var data = new Dictionary<string, object>
        {
            ["exported"] = stats.Exported,
            ["delivered"] = stats.Delivered,
            ["dropped"] = stats.Dropped,
            ["failed"] = stats.Failed,
            ["pending"] = stats.Pending,
            ["producer-restarts"] = stats.ProducerRestarts,
        };
        if (settings.Spool is not null)
        {
            data["recovered"] = stats.Recovered;
            data["left-in-spool"] = stats.LeftInSpool;
            data["spool-bytes"] = stats.SpoolBytes;
            data["not-spooled"] = stats.NotSpooled;
        }

        if (stopped)
        {
            return HealthCheckResult.Unhealthy("The FlowTracker Kafka exporter has stopped: traces are dropped (Shutdown).", data: data);
        }

        if (stats.ProducerFailure is { } failure)
        {
            return HealthCheckResult.Unhealthy("The FlowTracker Kafka exporter cannot send: " + failure, data: data);
        }

        var concerns = new List<string>();
        if (stats.BrokersUnreachable)
        {
            concerns.Add("no Kafka broker is reachable; traces wait in the buffer");
        }

        if (settings.Spool is { } spool)
        {
            // With the spool on, what waits for Kafka waits on disk: its room is what may run out.
            if (stats.SpoolDegraded is { } why)
            {
                concerns.Add($"the spool is not working ({why}); traces are kept in memory only until the exporter restarts");
            }

            if (stats.SpoolBytes >= spool.MaxBytes * BufferThreshold)
            {
                concerns.Add($"the spool is over {BufferThreshold:P0} full ({stats.SpoolBytes} of {spool.MaxBytes} bytes); when full, the newest traces are dropped (SpoolFull)");
            }
        }
        else if (stats.Pending >= settings.MaxBufferedTraces * BufferThreshold || stats.PendingBytes >= settings.MaxBufferedBytes * BufferThreshold)
        {
            concerns.Add($"the buffer is over {BufferThreshold:P0} full ({stats.Pending} traces, {stats.PendingBytes} bytes); when full, traces are dropped");
        }

        if (stats.LastProducerRestart is { } restart && now - restart < RecentRestart)
        {
            concerns.Add($"the producer was rebuilt after a fatal error at {restart:O}");
        }

        return concerns.Count == 0
            ? HealthCheckResult.Healthy("The FlowTracker Kafka exporter is delivering.", data)
            : HealthCheckResult.Degraded("The FlowTracker Kafka exporter works, but " + string.Join("; ", concerns) + ".", data: data);
    }
}
