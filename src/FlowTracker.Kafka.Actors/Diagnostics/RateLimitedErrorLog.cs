using Akka.Event;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// Logs errors by code, at most one line per interval: an outage must not write one line per trace, nor
/// one per reconnect attempt. The first error is logged at once; later ones are summed into the next line,
/// which says how many errors of each code it stands for and, where errors carry one, the latest reason.
/// <see cref="Flush"/> writes what is left (at stop, or when the outage it describes is over).
/// </summary>
internal sealed class RateLimitedErrorLog
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly object _gate = new();
    private readonly Dictionary<ErrorCode, (long Count, string? Reason)> _since = [];
    private readonly ILoggingAdapter _log;
    private readonly LogLevel _level;
    private readonly TimeProvider _time;
    private readonly string _template;
    private readonly object[] _context;
    private DateTimeOffset _lastLine = DateTimeOffset.MinValue;

    // The template's properties are the context values, then {Errors} (the summary), then {IntervalSeconds}.
    private RateLimitedErrorLog(ILoggingAdapter log, LogLevel level, TimeProvider time, string template, params object[] context)
    {
        _log = log;
        _level = level;
        _time = time;
        _template = template;
        _context = context;
    }

    /// <summary>Delivery reports with an error: each is a trace lost, so the line is an error.</summary>
    public static RateLimitedErrorLog ForDeliveries(ILoggingAdapter log, string topic, TimeProvider time) =>
        new(log, LogLevel.ErrorLevel, time, "FlowTracker Kafka exporter: traces failed to reach topic {Topic}: {Errors} (at most one such line per {IntervalSeconds}s)", topic);

    /// <summary>
    /// The producer's non-fatal error events: librdkafka retries on its own and nothing is lost yet (what is
    /// lost shows as delivery errors), so the line is a warning.
    /// </summary>
    public static RateLimitedErrorLog ForProducerErrors(ILoggingAdapter log, TimeProvider time) =>
        new(log, LogLevel.WarningLevel, time, "FlowTracker Kafka exporter: producer errors, librdkafka keeps retrying: {Errors} (at most one such line per {IntervalSeconds}s)");

    public void Failed(ErrorCode error, string? reason = null)
    {
        string? line;
        lock (_gate)
        {
            var (count, last) = _since.GetValueOrDefault(error);
            _since[error] = (count + 1, string.IsNullOrEmpty(reason) ? last : reason);
            var now = _time.GetUtcNow();
            line = now - _lastLine >= Interval ? TakeLine(now) : null;
        }

        Write(line);
    }

    /// <summary>Writes the errors not yet reported, if any.</summary>
    public void Flush()
    {
        string? line;
        lock (_gate)
        {
            line = _since.Count == 0 ? null : TakeLine(_time.GetUtcNow());
        }

        Write(line);
    }

    private string TakeLine(DateTimeOffset now)
    {
        var line = string.Join(", ", _since.Select(e => Describe(e.Key, e.Value.Count, e.Value.Reason)));
        _since.Clear();
        _lastLine = now;
        return line;
    }

    private static string Describe(ErrorCode error, long count, string? reason) => reason switch
    {
        null => $"{error} x{count}",
        _ when count == 1 => $"{error} x1 ({reason})",
        _ => $"{error} x{count} (last: {reason})",
    };

    private void Write(string? line)
    {
        if (line is not null)
        {
            _log.Log(_level, _template, [.. _context, line, Interval.TotalSeconds]);
        }
    }
}
