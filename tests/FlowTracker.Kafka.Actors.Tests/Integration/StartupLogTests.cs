using Akka.Event;
using Akka.TestKit.Xunit2;
using FlowTracker.Kafka.Actors.Diagnostics;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>What the exporter writes to the log at start and stop, captured from the event stream.</summary>
public sealed class StartupLogTests : TestKit
{
    private const string Password = "hunter2-do-not-log";
    private const string OAuthSecret = "oauth-do-not-log";
    private const string CustomSecret = "custom-do-not-log";

    [Fact]
    public async Task StartupLine_HasTheEffectiveSettingsAndLibrdkafkaVersion_AndNoSecretAppearsInAnyLogLine_AndEveryLineHasTheExportersSource()
    {
        Sys.EventStream.Subscribe(TestActor, typeof(LogEvent));
        var options = ExporterOptions.For("127.0.0.1:1", "startup-log", o =>
        {
            o.ProducerConfig!["security.protocol"] = "SASL_PLAINTEXT";
            o.ProducerConfig["sasl.mechanisms"] = "PLAIN";
            o.ProducerConfig["sasl.username"] = "exporter";
            o.ProducerConfig["sasl.password"] = Password;
            o.ProducerConfig["sasl.oauthbearer.client.secret"] = OAuthSecret;
            o.ProducerConfig["ssl.key.password"] = CustomSecret;
            o.FlushTimeout = TimeSpan.FromSeconds(1);
        });

        var exporter = KafkaTraceExporter.Start(Sys, options);
        var started = Line(SettingsDescription.StartedTemplate);
        var settings = Line(SettingsDescription.SettingsTemplate);
        var producerConfig = Line(SettingsDescription.ProducerConfigTemplate);
        exporter.ExportCheckouts("never-delivered", 3);
        await exporter.StopAsync(TimeSpan.FromSeconds(10));
        var events = ReceiveWhile(TimeSpan.FromMilliseconds(500), m => m as LogEvent).OfType<LogEvent>().ToList();
        var everything = events.Select(e => e.Message.ToString()!).Concat([started, settings, producerConfig]).ToList();

        Assert.Equal($"FlowTracker Kafka exporter started: topic=startup-log bootstrap.servers={exporter.Settings.ProducerConfig!["bootstrap.servers"]} producer=owned librdkafka={Confluent.Kafka.Library.VersionString}", started);
        Assert.Contains("max-buffered-traces=100000 ", settings, StringComparison.Ordinal);
        Assert.Contains("flush-timeout=00:00:01 ", settings, StringComparison.Ordinal);
        Assert.Contains("restart.random-factor=0.2 ", settings, StringComparison.Ordinal);
        Assert.Contains(" acks=all ", producerConfig, StringComparison.Ordinal);
        Assert.Contains(" sasl.username=exporter ", producerConfig, StringComparison.Ordinal);
        Assert.Contains($" sasl.password={SettingsDescription.Redacted} ", producerConfig, StringComparison.Ordinal);
        Assert.Contains($" ssl.key.password={SettingsDescription.Redacted}", producerConfig, StringComparison.Ordinal);
        Assert.All([started, settings, producerConfig], line => Assert.DoesNotContain('\n', line));
        Assert.Contains(everything, line => line.StartsWith("FlowTracker Kafka exporter stopped: exported=3 delivered=0 ", StringComparison.Ordinal));
        // Akka's own string sources would read "<path> (akka://system)": the exporter's lines, from whatever thread, keep its path as is.
        var exporterLines = events.Where(e => e.Message.ToString()!.StartsWith("FlowTracker Kafka exporter", StringComparison.Ordinal)).ToList();
        Assert.Contains(exporterLines, e => e.Message.ToString()!.StartsWith("FlowTracker Kafka exporter stopped:", StringComparison.Ordinal));
        Assert.All(exporterLines, e => Assert.Equal(exporter.Actor!.Path.ToString(), e.LogSource));
        Assert.All(everything, line =>
        {
            Assert.DoesNotContain(Password, line, StringComparison.Ordinal);
            Assert.DoesNotContain(OAuthSecret, line, StringComparison.Ordinal);
            Assert.DoesNotContain(CustomSecret, line, StringComparison.Ordinal);
        });
    }

    /// <summary>The rendered text of the next Info line written from <paramref name="template"/>.</summary>
    private string Line(string template) =>
        FishForMessage<Info>(i => i.Message is LogMessage m && m.Format == template, TimeSpan.FromSeconds(10)).Message.ToString()!;
}
