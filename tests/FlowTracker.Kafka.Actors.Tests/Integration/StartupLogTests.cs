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
    public async Task StartupLine_HasTheEffectiveSettingsAndLibrdkafkaVersion_AndNoSecretAppearsInAnyLogLine()
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
        var started = FishForMessage<Info>(i => i.Message.ToString()!.Contains("exporter started", StringComparison.Ordinal), TimeSpan.FromSeconds(10))
            .Message.ToString()!;
        exporter.ExportCheckouts("never-delivered", 3);
        await exporter.StopAsync(TimeSpan.FromSeconds(10));
        var everything = ReceiveWhile(TimeSpan.FromMilliseconds(500), m => m is LogEvent e ? e.Message.ToString()! : string.Empty).Append(started).ToList();

        Assert.Contains("topic=startup-log", started, StringComparison.Ordinal);
        Assert.Contains("acks=all", started, StringComparison.Ordinal);
        Assert.Contains("sasl.username=exporter", started, StringComparison.Ordinal);
        Assert.Contains($"sasl.password={SettingsDescription.Redacted}", started, StringComparison.Ordinal);
        Assert.Contains($"ssl.key.password={SettingsDescription.Redacted}", started, StringComparison.Ordinal);
        Assert.Contains($"librdkafka={Confluent.Kafka.Library.VersionString}", started, StringComparison.Ordinal);
        Assert.Contains(everything, line => line.Contains("exporter stopped", StringComparison.Ordinal));
        Assert.All(everything, line =>
        {
            Assert.DoesNotContain(Password, line, StringComparison.Ordinal);
            Assert.DoesNotContain(OAuthSecret, line, StringComparison.Ordinal);
            Assert.DoesNotContain(CustomSecret, line, StringComparison.Ordinal);
        });
    }
}
