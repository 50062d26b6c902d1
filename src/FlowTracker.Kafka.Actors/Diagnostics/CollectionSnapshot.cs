using System.Diagnostics;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// The accounting as one collection of the meter sees it: the observable instruments' callbacks of one collection
/// run back to back, and all of them read one snapshot, taken under the accounting lock once, not once per instrument.
/// </summary>
/// <remarks>
/// A collection is recognised by its instruments: the snapshot is renewed when an instrument asks that has already read
/// it (the next collection has begun), and in any case once it is older than <see cref="MaxAge"/>, so a listener that
/// observes only some instruments never reads old figures.
/// </remarks>
internal sealed class CollectionSnapshot(Func<ExporterStats> take)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private readonly object _gate = new();
    private ExporterStats? _current;
    private long _takenAt;
    private ulong _read;

    /// <summary>How many snapshots were taken (tests).</summary>
    public int Taken { get; private set; }

    /// <param name="instrument">The asking instrument's number, 0 to 63, one per instrument.</param>
    public ExporterStats For(int instrument)
    {
        var bit = 1UL << instrument;
        lock (_gate)
        {
            if (_current is null || (_read & bit) != 0 || Stopwatch.GetElapsedTime(_takenAt) > MaxAge)
            {
                _current = take();
                _takenAt = Stopwatch.GetTimestamp();
                _read = 0;
                Taken++;
            }

            _read |= bit;
            return _current;
        }
    }
}
