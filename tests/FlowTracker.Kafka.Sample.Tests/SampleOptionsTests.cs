namespace FlowTracker.Kafka.Sample.Tests;

public sealed class SampleOptionsTests
{
    [Fact]
    public void TryParse_NoSwitch_ServesWithTheDefaults()
    {
        Assert.True(SampleOptions.TryParse([], out var options, out _));

        Assert.Equal(new SampleOptions { Demo = null, LatencyMs = 20 }, options with { WebArgs = [] });
        Assert.Empty(options.WebArgs);
    }

    [Theory]
    [InlineData("--demo 5 --latency-ms 0 --own-producer")]
    [InlineData("--demo=5 --latency-ms=0 --own-producer")]
    [InlineData("--own-producer --latency-ms 0 --demo 5")]
    public void TryParse_DemoSwitches_InEitherFormAndAnyOrder(string line)
    {
        Assert.True(SampleOptions.TryParse(line.Split(' '), out var options, out var error), error);

        Assert.Equal(new SampleOptions { Demo = 5, LatencyMs = 0, OwnProducer = true }, options with { WebArgs = [] });
        Assert.Empty(options.WebArgs);
    }

    [Theory]
    [InlineData("--demo 3 --spool /tmp/traces-spool")]
    [InlineData("--spool=/tmp/traces-spool --demo=3")]
    public void TryParse_Spool_TakesItsDirectory(string line)
    {
        Assert.True(SampleOptions.TryParse(line.Split(' '), out var options, out var error), error);

        Assert.Equal(new SampleOptions { Demo = 3, SpoolDirectory = "/tmp/traces-spool" }, options with { WebArgs = [] });
    }

    [Fact]
    public void TryParse_TailFromTheBeginning()
    {
        Assert.True(SampleOptions.TryParse(["--tail", "--from-beginning"], out var options, out var error), error);

        Assert.True(options.Tail);
        Assert.True(options.FromBeginning);
    }

    [Fact]
    public void TryParse_AspNetCoreSwitchesAndConfigurationKeys_PassThroughToTheWebHost()
    {
        string[] args = ["--urls", "http://127.0.0.1:5000", "--environment=Production", "--Logging:LogLevel:Default", "Debug"];

        Assert.True(SampleOptions.TryParse(args, out var options, out var error), error);

        Assert.Equal(["--urls", "http://127.0.0.1:5000", "--environment", "Production", "--Logging:LogLevel:Default", "Debug"], options.WebArgs);
        Assert.Null(options.Demo);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--demo 0 --help")]
    public void TryParse_Help_WinsOverEverythingElse(string line)
    {
        Assert.True(SampleOptions.TryParse(line.Split(' '), out var options, out _));

        Assert.True(options.Help);
    }

    [Theory]
    [InlineData("--demo 0", "--demo 0: the number of requests to send must be a whole number, 1 or more.")]
    [InlineData("--demo abc", "--demo abc: the number of requests to send must be a whole number, 1 or more.")]
    [InlineData("--demo -3", "--demo -3: the number of requests to send must be a whole number, 1 or more.")]
    [InlineData("--demo 99999999999", "--demo 99999999999: the number of requests to send must be a whole number, 1 or more.")]
    [InlineData("--demo", "--demo needs a value: the number of requests to send.")]
    [InlineData("--demo --own-producer", "--demo needs a value: the number of requests to send.")]
    [InlineData("--demo=", "--demo needs a value: the number of requests to send.")]
    [InlineData("--demo 3 --latency-ms 9000", "--latency-ms 9000: each demo request's latency in milliseconds must be a whole number from 0 to 5000.")]
    [InlineData("--demo 3 --latency-ms", "--latency-ms needs a value: each demo request's latency in milliseconds.")]
    [InlineData("--bogus", "--bogus is not a switch of this sample.")]
    [InlineData("-x", "-x is not a switch of this sample.")]
    [InlineData("demo", "'demo' is not a switch (switches start with --).")]
    [InlineData("--demo 3 --demo 4", "--demo is given twice.")]
    [InlineData("--tail=yes", "--tail takes no value, but was given 'yes'.")]
    [InlineData("--urls", "--urls needs a value (it is ASP.NET Core's).")]
    [InlineData("--demo 2 --tail", "--demo and --tail are two different runs: choose one.")]
    [InlineData("--latency-ms 5", "--latency-ms sets the demo's requests' latency: it needs --demo.")]
    [InlineData("--from-beginning", "--from-beginning says where --tail starts: it needs --tail.")]
    [InlineData("--tail --own-producer", "--own-producer is how traces are exported, and --tail exports none: choose one.")]
    [InlineData("--demo 2 --spool", "--spool needs a value: the directory of the exporter's spool.")]
    [InlineData("--tail --spool /tmp/s", "--spool keeps the traces the sample exports, and --tail exports none: choose one.")]
    public void TryParse_WrongSwitch_SaysWhichAndWhy(string line, string expected)
    {
        Assert.False(SampleOptions.TryParse(line.Split(' '), out var options, out var error));

        Assert.Null(options);
        Assert.Equal(expected, error);
    }
}
