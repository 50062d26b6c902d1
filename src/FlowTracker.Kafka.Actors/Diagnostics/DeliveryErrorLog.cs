using Akka.Event;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// Logs delivery errors with their code, at most one line per interval: an outage must not write one
/// line per trace. The first failure is logged at once; later ones are summed into the next line, which
/// says how many failures of each code it stands for. <see cref="Flush"/> writes what is left at stop.
/// </summary>
internal sealed class DeliveryErrorLog(ILoggingAdapter log, string topic, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly object _gate = new();
    private readonly Dictionary<ErrorCode, long> _since = [];
    private DateTimeOffset _lastLine = DateTimeOffset.MinValue;

    public void Failed(ErrorCode error)
    {
        string? line;
        lock (_gate)
        {
            _since[error] = _since.GetValueOrDefault(error) + 1;
            var now = time.GetUtcNow();
            line = now - _lastLine >= Interval ? TakeLine(now) : null;
        }

        Write(line);
    }

    /// <summary>Writes the failures not yet reported, if any.</summary>
    public void Flush()
    {
        string? line;
        lock (_gate)
        {
            line = _since.Count == 0 ? null : TakeLine(time.GetUtcNow());
        }

        Write(line);
    }

    private string TakeLine(DateTimeOffset now)
    {
        var line = string.Join(", ", _since.Select(e => $"{e.Key} x{e.Value}"));
        _since.Clear();
        _lastLine = now;
        return line;
    }

    private void Write(string? line)
    {
        if (line is not null)
        {
            log.Error("FlowTracker Kafka exporter: traces failed to reach topic {0}: {1} (at most one such line per {2}s)", topic, line, Interval.TotalSeconds);
        }
    }
}
