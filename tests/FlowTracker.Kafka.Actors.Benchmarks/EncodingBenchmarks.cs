using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>TraceJson (source generated, straight to UTF-8) against System.Text.Json's reflection path, with BenchmarkDotNet.</summary>
[MemoryDiagnoser]
public class EncodingBenchmarks
{
    private static readonly JsonSerializerOptions Reflection = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    private readonly Trace _trace = BenchTraces.Checkout(1);
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    [Benchmark(Baseline = true, Description = "System.Text.Json reflection")]
    public byte[] Reflective() => JsonSerializer.SerializeToUtf8Bytes(_trace, Reflection);

    [Benchmark(Description = "TraceJson to byte[]")]
    public byte[] TraceJsonBytes() => TraceJson.SerializeToUtf8Bytes(_trace);

    [Benchmark(Description = "TraceJson into a reused buffer")]
    public int TraceJsonBuffer()
    {
        _buffer.ResetWrittenCount();
        TraceJson.Serialize(_buffer, _trace);
        return _buffer.WrittenCount;
    }

    internal static void Run(bool quick, Report report, TextWriter output)
    {
        var job = (quick ? Job.ShortRun.WithWarmupCount(2).WithIterationCount(5) : Job.Default)
            .WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateMinimumViable().AddJob(job).WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<EncodingBenchmarks>(config);
        var size = TraceJson.SerializeToUtf8Bytes(BenchTraces.Checkout(1)).Length;
        foreach (var result in summary.Reports)
        {
            if (result.ResultStatistics is not { } statistics)
            {
                continue;
            }

            var nanoseconds = statistics.Median;
            var allocated = result.GcStats.GetBytesAllocatedPerOperation(result.BenchmarkCase) ?? 0;
            var line = string.Create(
                CultureInfo.InvariantCulture,
                $"{nanoseconds:N0} ns/trace, {size / nanoseconds * 1_000_000_000 / (1024 * 1024):N0} MiB/s, {allocated:N0} B allocated/trace");
            output.WriteLine($"  {result.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo}: {line}");
            report.Add("encoding", $"{result.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo} ({size:N0} B of JSON)", line);
        }
    }
}
