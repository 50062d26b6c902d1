namespace FlowTracker.Kafka.Actors.SpoolCandidates;

/// <summary>What a store held after its writer was killed, against what the writer had seen committed.</summary>
internal sealed record CrashResult(long Committed, long Survived, long Corrupt, long OutOfOrder, string? OpenError)
{
    /// <summary>Committed records that did not survive: must be zero.</summary>
    public long LostCommitted => Math.Max(0, Committed - Survived);

    public static CrashResult Check(string candidate, string directory, long committed)
    {
        long survived = 0, corrupt = 0, outOfOrder = 0;
        try
        {
            using var store = Candidates.Open(candidate, directory);
            foreach (var (_, record) in store.ReadOldestFirst())
            {
                var sequence = Records.Check(record);
                if (sequence < 0)
                {
                    corrupt++;
                }
                else if (sequence != survived)
                {
                    outOfOrder++;
                }
                else
                {
                    survived++;
                }
            }
        }
#pragma warning disable CA1031 // A store that cannot reopen after a crash is the finding, reported in the table.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new CrashResult(committed, survived, corrupt, outOfOrder, ex.GetType().Name + ": " + ex.Message);
        }

        return new CrashResult(committed, survived, corrupt, outOfOrder, null);
    }
}
