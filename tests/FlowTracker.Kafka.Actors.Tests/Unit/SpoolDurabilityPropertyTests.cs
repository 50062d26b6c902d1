using CsCheck;
using FlowTracker.Kafka.Actors.Tests.Support;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>
/// The spool's durable bookkeeping on real threads, thousands of times: a commit thread counting commits durable (and
/// now and then finding the directory lost), the stop's thread (finding it lost or not, then counting, its wait ended
/// or given up), and at times a third thread committing, finding the directory lost or counting again, all released
/// together by a barrier, each operation after a random spin (mostly none: a broken lock's window is a store or two
/// wide, and only bursts hit it; the lock left out of Durable was caught only so). Every commit's count is its own and its address is derived from it, so each result names the state
/// it saw; from the results alone the test finds an order of the operations that the model gives exactly (or fails),
/// and checks the rules on that order. A failing case prints its seed and the shrunk schedule.
/// </summary>
public sealed class SpoolDurabilityPropertyTests
{
    private const long Appended = 1_000_000;

    /// <summary>
    /// The spin before a step: mostly none, so that a thread's steps come in bursts a few nanoseconds apart (a broken
    /// lock's window is a store or two wide), else up to a microsecond or so, so that the threads' bursts overlap.
    /// </summary>
    private static readonly Gen<int> Spin = Gen.Frequency((2, Gen.Const(0)), (1, Gen.Int[1, 40]));

    /// <summary>One step of the commit thread: mostly a commit, one in eight the directory lost.</summary>
    private static readonly Gen<(char Kind, int Spin)> CommitStep = Gen.Select(Gen.Int[0, 7], Spin, (kind, spin) => (kind == 0 ? 'N' : 'D', spin));

    /// <summary>One step of the third thread: a commit, the directory lost or a count taken again (after a wait that ended).</summary>
    private static readonly Gen<(char Kind, int Spin)> ThirdStep = Gen.Select(Gen.Int[0, 2], Spin, (kind, spin) => ("DNF"[kind], spin));

    private static readonly Gen<Schedule> AnySchedule = Gen.Select(
        CommitStep.Array[1, 48],
        Gen.Bool,
        Gen.Bool,
        Spin.Array[2],
        ThirdStep.Array[0, 6],
        (commits, lost, ended, stopSpins, third) => new Schedule(commits, lost, ended, stopSpins, third));

    [Fact]
    public void AnyInterleaving_OnRealThreads_IsOneOrderOfTheModel_AndKeepsTheRules() =>
        AnySchedule.Sample(Play, iter: 8_000, threads: 1);

    private static void Play(Schedule schedule)
    {
        var durability = DurabilityScript.Opened();
        var threads = schedule.Threads();
        var observed = threads.Select(_ => new List<(DurabilityOp Op, string Result)>()).ToArray();
        using var start = new Barrier(threads.Count);
        var running = threads.Select((steps, t) => new Thread(() =>
        {
            start.SignalAndWait();
            foreach (var (op, spin) in steps)
            {
                Thread.SpinWait(spin);
                observed[t].Add((op, DurabilityScript.Run(durability, op, Appended)));
            }
        })).ToList();
        running.ForEach(t => t.Start());
        running.ForEach(t => t.Join());
        var end = DurabilityState.Of(durability);
        var seen = $"{string.Join(" | ", observed.Select(o => string.Join(' ', o.Select(s => $"{s.Op}:{s.Result}"))))}; end {end}";

        // Rule 2 on the stop's result alone: its address names the commit, whose count it must have taken with it.
        foreach (var (_, result) in observed.SelectMany(o => o).Where(s => s.Op.Kind is 'F' or 'G'))
        {
            var until = long.Parse(result.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True($"{until}/{Appended - (until / 1000)}" == result, $"a torn count: {seen}");
        }

        // Rule 1 on each thread alone: once one of its commits is refused, every later one is (unless a later count
        // took the give-up back).
        foreach (var commits in observed.Where(_ => !schedule.Third.Any(s => s.Kind == 'F')).Select(o => o.Where(s => s.Op.Kind == 'D').Select(s => s.Result).ToList()))
        {
            Assert.True(commits.SkipWhile(r => r == "ok").All(r => r == "refused"), $"a commit accepted after one refused: {seen}");
        }

        var order = DurabilityScript.Linearize(observed, end, Appended);
        Assert.True(order is not null, $"no order of the operations gives what they saw: {seen}");
        DurabilityScript.AssertRules(order, Appended);
    }

    /// <summary>
    /// The commit thread's steps (each commit with a count of its own), the stop's (the directory lost first or not,
    /// then its count, ended or given up; a spin before each) and a third thread's, if any.
    /// </summary>
    private sealed record Schedule((char Kind, int Spin)[] Commits, bool Lost, bool Ended, int[] StopSpins, (char Kind, int Spin)[] Third)
    {
        public List<List<(DurabilityOp Op, int Spin)>> Threads()
        {
            List<(DurabilityOp, int)> stop = Lost ? [(new DurabilityOp('N'), StopSpins[0])] : [];
            stop.Add((new DurabilityOp(Ended ? 'F' : 'G'), StopSpins[1]));
            List<List<(DurabilityOp, int)>> threads = [Steps(Commits, 1), stop];
            if (Third.Length > 0)
            {
                threads.Add(Steps(Third, 100));
            }

            return threads;
        }

        public override string ToString() =>
            $"commits {Describe(Commits)}; stop {(Lost ? "N " : string.Empty)}{(Ended ? 'F' : 'G')} after {string.Join('+', StopSpins)}; third {Describe(Third)}";

        private static List<(DurabilityOp, int)> Steps((char Kind, int Spin)[] steps, long firstCount) =>
            [.. steps.Select((s, i) => (s.Kind == 'D' ? DurabilityOp.Durable(firstCount + i) : new DurabilityOp(s.Kind), s.Spin))];

        private static string Describe((char Kind, int Spin)[] steps) => string.Join(' ', steps.Select(s => $"{s.Kind}+{s.Spin}"));
    }
}
