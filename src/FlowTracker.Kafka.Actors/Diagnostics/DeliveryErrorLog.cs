using Akka.Event;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// Logs delivery errors with their code, at most one line per interval: an outage must not
/// write one line per trace. Each line says how many failures it stands for.
/// </summary>
internal sealed class DeliveryErrorLog(ILoggingAdapter log, string topic)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly object _gate = new();
    private readonly Dictionary<ErrorCode, long> _since = [];
    private DateTime _lastLine = DateTime.MinValue;

    public void Failed(ErrorCode error)
    {
        string? line = null;
        lock (_gate)
        {
            _since[error] = _since.GetValueOrDefault(error) + 1;
            var now = DateTime.UtcNow;
            if (now - _lastLine >= Interval)
            {
                line = string.Join(", ", _since.Select(e => $"{e.Key} x{e.Value}"));
                _since.Clear();
                _lastLine = now;
            }
        }

        if (line is not null)
        {
            log.Error("FlowTracker Kafka exporter: traces failed to reach topic {0}: {1} (next report in at most {2}s)", topic, line, Interval.TotalSeconds);
        }
    }
}
