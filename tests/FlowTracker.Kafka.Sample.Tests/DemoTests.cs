namespace FlowTracker.Kafka.Sample.Tests;

/// <summary>
/// The README's run command, in-process: requests to itself, traces read back from the embedded cluster,
/// drawn, and a clean accounting after CoordinatedShutdown. One class, so that only one sample app (and
/// its tracer listening to the process-wide activity source) runs at a time.
/// </summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_DrawsEveryTraceReadBackFromKafka_AndACleanAccounting()
    {
        using var output = new StringWriter();

        var code = await SampleApp.RunAsync(["--demo", "3", "--latency-ms", "4"], output, output);

        var text = output.ToString();
        Assert.True(code == 0, text);
        Assert.Contains("started an embedded Kafka cluster", text, StringComparison.Ordinal);
        Assert.Equal(3, CountOf(text, $"  {"GET /api/checkout  http.response.status_code=200",-50} |"));
        Assert.Equal(3, CountOf(text, "     └─ Calculate Weight"));
        Assert.Contains("├─ Process Payment  currency=USD", text, StringComparison.Ordinal);
        Assert.Contains("Read back 3 of 3 trace(s) from topic microservice-traces.", text, StringComparison.Ordinal);
        Assert.Contains("exported=3 delivered=3 dropped=0 failed=0 pending=0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoWithTheApplicationsOwnProducer_DeliversThroughIt()
    {
        using var output = new StringWriter();

        var code = await SampleApp.RunAsync(["--demo", "2", "--latency-ms", "0", "--own-producer"], output, output);

        Assert.True(code == 0, output.ToString());
        Assert.Contains("exported=2 delivered=2 dropped=0 failed=0 pending=0", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoWithTheSpool_WritesEveryTraceAhead_AndLeavesNothingBehind()
    {
        using var output = new StringWriter();
        var spool = Path.Combine(Path.GetTempPath(), "flowtracker-sample-spool-" + Guid.NewGuid().ToString("N"));
        try
        {
            var code = await SampleApp.RunAsync(["--demo", "2", "--latency-ms", "0", "--spool", spool], output, output);

            Assert.True(code == 0, output.ToString());
            Assert.Contains("exported=2 delivered=2 dropped=0 failed=0 pending=0", output.ToString(), StringComparison.Ordinal);
            Assert.Contains($"Spool {spool}: 2 written ahead, 0 sent from an earlier run, 0 left for the next start.", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(spool, recursive: true);
        }
    }

    [Theory]
    [InlineData("error: --demo 0: ", "--demo", "0")]
    [InlineData("error: --bogus is not a switch", "--bogus")]
    [InlineData("error: --demo and --tail ", "--demo", "2", "--tail")]
    public async Task WrongSwitch_NamedOnStandardError_ExitCode2_NothingStarted(string expected, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var code = await SampleApp.RunAsync(args, output, errors);

        Assert.Equal(2, code);
        Assert.StartsWith(expected, errors.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public async Task Help_PrintsTheSwitchesOnStandardOutput_ExitCode0()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var code = await SampleApp.RunAsync(["--help"], output, errors);

        Assert.Equal(0, code);
        Assert.Equal(SampleOptions.Usage + Environment.NewLine, output.ToString());
        Assert.Empty(errors.ToString());
    }

    private static int CountOf(string text, string line) =>
        text.Split('\n').Count(l => l.StartsWith(line, StringComparison.Ordinal));
}
