using Akka.Event;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Tests.Support;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>
/// The exporter's Akka.NET semantic templates written to Microsoft.Extensions.Logging: what a capturing provider and the
/// real JSON console formatter receive for one line, and the two level gates.
/// </summary>
public sealed class MicrosoftLoggingAdapterTests : IDisposable
{
    private const string Source = "akka://test/user/flowtracker-kafka-exporter";

    private const string Template =
        "FlowTracker Kafka exporter: the producer hit fatal error {ErrorCode} ({ErrorReason}); a new producer starts in {DelaySeconds:0.###} s (restart {Restart} of at most {MaxRestarts} within the window).";

    private readonly CapturingLoggerProvider _captured = new();
    private readonly JsonConsoleCapture _json = new();
    private readonly ILoggerFactory _factory;

    public MicrosoftLoggingAdapterTests() =>
        _factory = LoggerFactory.Create(logging => logging.AddProvider(_captured).AddProvider(_json).SetMinimumLevel(MelLogLevel.Information));

    [Fact]
    public void SemanticTemplate_ReachesTheLogger_WithCategoryLevelNamedPropertiesAndNoAkkaPrefix()
    {
        var log = Adapter(AkkaLogLevel.InfoLevel);

        log.Warning(Template, Confluent.Kafka.ErrorCode.OutOfOrderSequenceNumber, "Broker: Out of order sequence number", 1.23456, 2, 10);

        var entry = Assert.Single(_captured.Entries);
        Assert.Equal(ExporterLog.Category, entry.Category);
        Assert.Equal(MelLogLevel.Warning, entry.Level);
        Assert.Equal(
            "FlowTracker Kafka exporter: the producer hit fatal error OutOfOrderSequenceNumber (Broker: Out of order sequence number); a new producer starts in 1.235 s (restart 2 of at most 10 within the window).",
            entry.Message);
        Assert.Equal(Template, entry.Template);
        Assert.Equal(Confluent.Kafka.ErrorCode.OutOfOrderSequenceNumber, entry.Properties["ErrorCode"]);
        Assert.Equal(1.23456, entry.Properties["DelaySeconds"]);
        Assert.Equal(2, entry.Properties["Restart"]);
        Assert.Equal(Source, entry.Properties[ExporterLogState.SourceKey]);
    }

    [Fact]
    public void SemanticTemplate_JsonConsoleFormatter_WritesOneLineWithTheNamedPropertiesInState()
    {
        var log = Adapter(AkkaLogLevel.InfoLevel);

        log.Info("FlowTracker Kafka exporter stopped: exported={Exported} delivered={Delivered} dropped={Dropped} [{DroppedByReason}]", 3L, 1L, 2L, "Shutdown=2");

        var line = Assert.Single(_json.Lines);
        Assert.Equal(ExporterLog.Category, line.GetProperty("Category").GetString());
        Assert.Equal("Information", line.GetProperty("LogLevel").GetString());
        Assert.Equal("FlowTracker Kafka exporter stopped: exported=3 delivered=1 dropped=2 [Shutdown=2]", line.GetProperty("Message").GetString());
        var state = line.GetProperty("State");
        Assert.Equal(3, state.GetProperty("Exported").GetInt64());
        Assert.Equal(1, state.GetProperty("Delivered").GetInt64());
        Assert.Equal(2, state.GetProperty("Dropped").GetInt64());
        Assert.Equal("Shutdown=2", state.GetProperty("DroppedByReason").GetString());
        Assert.Equal(Source, state.GetProperty(ExporterLogState.SourceKey).GetString());
        Assert.StartsWith("FlowTracker Kafka exporter stopped: exported={Exported}", state.GetProperty(ExporterLogState.TemplateKey).GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PlainText_KeepsItsBracesAndIsItsOwnTemplate()
    {
        var log = Adapter(AkkaLogLevel.InfoLevel);

        log.Log(AkkaLogLevel.ErrorLevel, null, "no template {here}");

        var entry = Assert.Single(_captured.Entries);
        Assert.Equal(MelLogLevel.Error, entry.Level);
        Assert.Equal("no template {here}", entry.Message);
        Assert.Equal("no template {here}", entry.Template);
    }

    [Fact]
    public void Exception_ReachesTheLoggerWithItsLine()
    {
        var log = Adapter(AkkaLogLevel.InfoLevel);

        log.Error(new InvalidOperationException("boom"), "FlowTracker Kafka exporter: {ProducerFailure}", "dead");

        var line = Assert.Single(_json.Lines);
        Assert.Equal("FlowTracker Kafka exporter: dead", line.GetProperty("Message").GetString());
        Assert.StartsWith("System.InvalidOperationException: boom", line.GetProperty("Exception").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The factory's minimum is Information: one case per gate, each refusing a line the other would take.</summary>
    [Theory]
    [InlineData(AkkaLogLevel.WarningLevel, AkkaLogLevel.InfoLevel)]
    [InlineData(AkkaLogLevel.DebugLevel, AkkaLogLevel.DebugLevel)]
    public void LineOneGateRefuses_NothingWritten(AkkaLogLevel akkaLevel, AkkaLogLevel line)
    {
        var log = Adapter(akkaLevel);

        log.Log(line, "FlowTracker Kafka exporter: {Something}", [1]);

        Assert.False(log.IsEnabled(line));
        Assert.True(log.IsWarningEnabled);
        Assert.Empty(_captured.Entries);
    }

    public void Dispose() => _factory.Dispose();

    private MicrosoftLoggingAdapter Adapter(AkkaLogLevel akkaLevel) =>
        new(_factory.CreateLogger(ExporterLog.Category), Source, akkaLevel, SemanticLogMessageFormatter.Instance);
}
