using System.Globalization;
using FlowTracker.Kafka.Actors.SpoolCandidates;

// Measures the spool's candidate stores on this machine (README.md beside this file has the table and the choice):
//   dotnet run -c Release --project tests/FlowTracker.Kafka.Actors.SpoolCandidates -- [--records 300000] [--large 1000000] [--kills 5] [--only sqlite,fasterlog,otel-blob] [--dir /tmp/x]
// Each candidate runs in a fresh directory under --dir (default: a new temporary one, deleted at the end).
string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var commitInterval = TimeSpan.FromMilliseconds(100);

if (args.Length > 0 && args[0] == "--child")
{
    return ChildProcess.RunChild(args[1], args[2], args[3], commitInterval);
}

var records = int.Parse(Option("--records", "300000"), CultureInfo.InvariantCulture);
var large = int.Parse(Option("--large", "1000000"), CultureInfo.InvariantCulture);
var kills = int.Parse(Option("--kills", "5"), CultureInfo.InvariantCulture);
var only = Option("--only", string.Join(',', Candidates.Names)).Split(',');
var root = Option("--dir", Path.Combine(Path.GetTempPath(), "spool-candidates-" + Guid.NewGuid().ToString("N")[..8]));
var output = Console.Out;
output.WriteLine($"Spool candidates: {Records.Size}-byte records, commit every {commitInterval.TotalMilliseconds} ms, {records} records per throughput run, {large} in the large store; {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; in {root}");

var results = new List<(string Name, Measurements M)>();
foreach (var name in only)
{
    var m = new Measurements(name, root, commitInterval);
    output.WriteLine($"{name}: append ..."); m.Append(records);
    output.WriteLine($"{name}: append + remove ..."); m.AppendAndRemove(records, inFlight: 20_000);
    output.WriteLine($"{name}: SIGKILL x{kills} ..."); m.Crash(kills, new Random(15));
    output.WriteLine($"{name}: open a {large}-record store ..."); m.OpenLarge(large);
    results.Add((name, m));
    Directory.Delete(Path.Combine(root, name), recursive: true);
}

static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
output.WriteLine();
output.WriteLine("| candidate | append (rec/s) | append+remove, 20k in flight (rec/s) | disk: peak while steady / after all removed / after reclaim | bytes per record at rest | SIGKILL: lost committed, corrupt read back (kills) | open the large store |");
output.WriteLine("|---|---|---|---|---|---|---|");
foreach (var (name, m) in results)
{
    var crashes = $"{m.Crashes.Sum(c => c.LostCommitted)} lost, {m.Crashes.Sum(c => c.Corrupt + c.OutOfOrder)} corrupt ({m.Crashes.Count} kills; {string.Join(" ", m.Crashes.Select(c => $"{c.Committed}→{c.Survived}"))})";
    var errors = string.Join("; ", m.Crashes.Where(c => c.OpenError is not null).Select(c => c.OpenError));
    output.WriteLine($"| {name} | {m.AppendPerSecond:F0} | {m.SteadyPerSecond:F0} | {Mib(m.SteadyPeakBytes)} / {Mib(m.AfterRemoveAllBytes)} / {Mib(m.AfterReclaimBytes)} | {m.BytesPerRecordAtRest} | {crashes}{(errors.Length > 0 ? " reopen failed: " + errors : "")} | {m.OpenLargeStore} |");
}

Directory.Delete(root, recursive: true);
return 0;
