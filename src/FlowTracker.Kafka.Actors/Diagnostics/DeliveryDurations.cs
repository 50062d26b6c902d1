using System.Diagnostics;
using System.Diagnostics.Metrics;
using Confluent.Kafka;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// The send durations, handed from the producer stage to the meter through a bounded queue, so that no listener,
/// however slow, slows the stage. The stage only writes one number into a ring per settled record (no lock, no
/// allocation, no listener call); a timer thread takes them out and records them on the histogram, where the
/// listeners run. A listener that falls behind fills the ring: further durations are skipped and counted
/// (<see cref="Skipped"/>), never waited for, and the counters, which do not pass through here, stay exact.
/// </summary>
/// <remarks>
/// One writer (the stage: one thread at a time, as for the ledger) and one reader at a time (the timer, or the final
/// drain at dispose, guarded by a flag). Each entry packs the duration in microseconds with the Kafka error code.
/// </remarks>
internal sealed class DeliveryDurations : IDisposable
{
    public const int DefaultCapacity = 1 << 17;
    public static readonly TimeSpan DrainInterval = TimeSpan.FromMilliseconds(250);
    private const int CodeBits = 16;
    private const long MaxMicroseconds = (1L << (63 - CodeBits)) - 1;

    private readonly Histogram<double> _histogram;
    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly Dictionary<ErrorCode, KeyValuePair<string, object?>[]> _failureTags = [];
    private readonly int _capacity;
    private readonly Timer _timer;
    private long[]? _ring;
    private long _head;
    private long _tail;
    private long _skipped;
    private int _draining;

    /// <param name="histogram">Where the durations are recorded, in seconds.</param>
    /// <param name="tags">The tags of every measurement; a failure adds <c>error.type</c>.</param>
    /// <param name="capacity">How many durations may wait for the listeners (a power of two).</param>
    public DeliveryDurations(Histogram<double> histogram, KeyValuePair<string, object?>[] tags, int capacity = DefaultCapacity)
    {
        if (capacity <= 0 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a power of two");
        }

        _histogram = histogram;
        _tags = tags;
        _capacity = capacity;
        _timer = new Timer(static state => ((DeliveryDurations)state!).Drain(), this, DrainInterval, DrainInterval);
    }

    /// <summary>Durations left out because the listeners had not taken the earlier ones yet.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>The stage settled a record accepted at <paramref name="acceptedAt"/> (a Stopwatch timestamp); NoError for a delivery.</summary>
    public void Add(long acceptedAt, ErrorCode code)
    {
        if (!_histogram.Enabled)
        {
            return;
        }

        // Allocated once something listens, by the one writer; the reader sees it through the volatile head.
        var ring = _ring ??= new long[_capacity];
        var head = _head;
        if (head - Volatile.Read(ref _tail) >= ring.Length)
        {
            Interlocked.Increment(ref _skipped);
            return;
        }

        var micros = Math.Clamp(Stopwatch.GetElapsedTime(acceptedAt).Ticks / TimeSpan.TicksPerMicrosecond, 0, MaxMicroseconds);
        ring[head & (ring.Length - 1)] = (micros << CodeBits) | (ushort)(short)code;
        Volatile.Write(ref _head, head + 1);
    }

    /// <summary>Stops the timer and records what is still waiting, unless a drain is under way (a listener still busy with it).</summary>
    public void Dispose()
    {
        _timer.Dispose();
        Drain();
    }

    private void Drain()
    {
        if (Interlocked.Exchange(ref _draining, 1) != 0)
        {
            return;
        }

        try
        {
            var head = Volatile.Read(ref _head);
            var ring = _ring;
            for (var tail = _tail; tail < head; tail++)
            {
                var entry = ring![tail & (ring.Length - 1)];

                // Freed before the listeners see it: a listener that blocks holds one duration, not the ring.
                Volatile.Write(ref _tail, tail + 1);
                Record(entry >> CodeBits, (ErrorCode)(short)(entry & 0xFFFF));
            }
        }
        finally
        {
            Volatile.Write(ref _draining, 0);
        }
    }

    private void Record(long micros, ErrorCode code)
    {
        try
        {
            _histogram.Record(micros / 1e6, code == ErrorCode.NoError ? _tags : FailureTags(code));
        }
#pragma warning disable CA1031 // A listener's exception is the listener's: it must not end the timer thread, nor the process.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private KeyValuePair<string, object?>[] FailureTags(ErrorCode code)
    {
        if (!_failureTags.TryGetValue(code, out var tags))
        {
            tags = [.. _tags, new(MetricNames.ErrorType, code.ToString())];
            _failureTags[code] = tags;
        }

        return tags;
    }
}
