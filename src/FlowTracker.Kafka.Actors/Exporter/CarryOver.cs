using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Exporter;

/// <summary>
/// The records a failed stream left for the next one, and those offered while there was no stream: the next stream
/// takes them first, and the end fails what no stream took (or leaves it in the spool). <see cref="ExporterLifetime"/>
/// uses it under its lock only.
/// </summary>
internal sealed class CarryOver
{
    private readonly List<OutgoingRecord> _records = [];

    public void Add(OutgoingRecord record) => _records.Add(record);

    /// <summary>What a failed stream left: the records its stage held unsettled (when it says which), then its buffer's.</summary>
    public void AddLeftBy(Exception failure, List<OutgoingRecord> buffered)
    {
        if (failure is ProducerStageFailure stageFailure)
        {
            _records.AddRange(stageFailure.Unsettled);
        }

        _records.AddRange(buffered);
    }

    /// <summary>Takes every record carried over, in the order it came.</summary>
    public List<OutgoingRecord> Take()
    {
        List<OutgoingRecord> records = [.. _records];
        _records.Clear();
        return records;
    }
}
