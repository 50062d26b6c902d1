using FlowTracker.Kafka.Actors.Benchmarks;

// dotnet run -c Release --project tests/FlowTracker.Kafka.Actors.Benchmarks                 full run (several minutes)
// dotnet run -c Release --project tests/FlowTracker.Kafka.Actors.Benchmarks -- --short      about a minute
// add --only e2e|e2e-spool|caller|encoding|outage|outage-spool|recovery|crash|shutdown to run one part (or several: --only e2e,e2e-spool)
//   (the -spool parts, recovery and crash run the exporter with its durable spool on, in directories under the temp directory;
//    outage-spool writes about 1.7 GB there, recovery about 1.4 GB in a full run). The working set never shrinks back
//    fully, so a memory part measures best as the first part of its process: --only outage-spool,e2e,e2e-spool,recovery
if (args is [CrashLossBenchmark.ChildSwitch, var bootstrap, var spoolDirectory])
{
    CrashLossBenchmark.Child(bootstrap, spoolDirectory);
    return;
}

var quick = args.Contains("--short");
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault()?.Split(',');
bool Runs(string part) => only is null || only.Contains(part);

var report = new Report();
var output = Console.Out;
output.WriteLine($"FlowTracker.Kafka.Actors benchmarks ({(quick ? "short" : "full")} run) on {Report.Machine()}");

// Memory first, while the process is still small: the working set never shrinks back fully.
if (Runs("outage"))
{
    output.WriteLine("Memory under an outage ...");
    await OutageMemoryBenchmark.RunAsync(TimeSpan.FromSeconds(quick ? 10 : 60), perSecond: 20_000, report, output);
}

if (Runs("outage-spool"))
{
    output.WriteLine("Memory under an outage, spool on ...");
    await OutageMemoryBenchmark.RunAsync(TimeSpan.FromSeconds(quick ? 10 : 60), perSecond: 20_000, report, output, spool: true);
}

if (Runs("e2e"))
{
    output.WriteLine("End to end, exporter against the raw Confluent loop ...");
    await EndToEndBenchmark.RunAsync(traces: quick ? 50_000 : 200_000, rounds: quick ? 3 : 7, report, output);
}

if (Runs("e2e-spool"))
{
    output.WriteLine("End to end, exporter with its spool against the raw Confluent loop ...");
    await EndToEndBenchmark.RunAsync(traces: quick ? 50_000 : 200_000, rounds: quick ? 3 : 7, report, output, spool: true);
}

if (Runs("recovery"))
{
    output.WriteLine("Spool recovery ...");
    await SpoolRecoveryBenchmark.RunAsync(traces: quick ? 100_000 : 1_000_000, report, output);
}

if (Runs("crash"))
{
    output.WriteLine("Spool crash (SIGKILL) ...");
    await CrashLossBenchmark.RunAsync(report, output);
}

if (Runs("caller"))
{
    output.WriteLine("Caller cost of Export ...");
    await CallerCostBenchmark.RunAsync(calls: quick ? 50_000 : 100_000, report, output);
}

if (Runs("shutdown"))
{
    output.WriteLine("Shutdown flush ...");
    await ShutdownFlushBenchmark.RunAsync(traces: 100_000, report, output);
}

if (Runs("encoding"))
{
    output.WriteLine("Encoding (BenchmarkDotNet) ...");
    EncodingBenchmarks.Run(quick, report, output);
}

report.Print(output);
