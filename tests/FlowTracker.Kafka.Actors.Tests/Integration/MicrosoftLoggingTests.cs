using Akka.Hosting;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Hosting;
using FlowTracker.Kafka.Actors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowTracker.Kafka.Actors.Tests.Integration;

/// <summary>
/// The exporter's logs as an application using Akka.Hosting's logger factory receives them in
/// Microsoft.Extensions.Logging: each line's template and its named properties, as a structured sink
/// (JSON console, OpenTelemetry, Serilog) needs them.
/// </summary>
public sealed class MicrosoftLoggingTests
{
    private const string Password = "hunter2-do-not-log";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ThroughAkkaHostingsLoggerFactory_EachLineKeepsItsTemplateAndNamedProperties_AndNoSecret()
    {
        var topic = $"mel-{Guid.NewGuid():N}";
        var captured = new CapturingLoggerProvider();
        using var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddProvider(captured).SetMinimumLevel(LogLevel.Debug))
            .ConfigureServices(services => services.AddAkka("mel", (akka, _) => akka
                .ConfigureLoggers(loggers => loggers.ClearLoggers().AddLoggerFactory())
                // Nothing listens on port 1: the producer's connection errors are logged too.
                .WithFlowTrackerKafkaExporter(ExporterOptions.For("127.0.0.1:1", topic, o =>
                {
                    o.ProducerConfig!["security.protocol"] = "SASL_PLAINTEXT";
                    o.ProducerConfig["sasl.mechanisms"] = "PLAIN";
                    o.ProducerConfig["sasl.username"] = "exporter";
                    o.ProducerConfig["sasl.password"] = Password;
                    o.FlushTimeout = TimeSpan.FromSeconds(1);
                }))))
            .Build();
        await host.StartAsync().WaitAsync(Patience);
        var exporter = host.Services.GetRequiredService<Akka.Actor.ActorSystem>().GetFlowTrackerKafkaExporter();
        exporter.ExportCheckouts("logged", 3);

        var started = await captured.FirstAsync(e => e.Template == SettingsDescription.StartedTemplate).WaitAsync(Patience);
        var producerConfig = await captured.FirstAsync(e => e.Template == SettingsDescription.ProducerConfigTemplate).WaitAsync(Patience);
        var producerErrors = await captured.FirstAsync(e => e.Template?.Contains("producer errors, librdkafka keeps retrying", StringComparison.Ordinal) == true)
            .WaitAsync(Patience);
        await host.StopAsync().WaitAsync(Patience);
        var stopped = await captured.FirstAsync(e => e.Template?.StartsWith("FlowTracker Kafka exporter stopped:", StringComparison.Ordinal) == true).WaitAsync(Patience);

        Assert.Equal(LogLevel.Information, started.Level);
        Assert.Equal(topic, started.Properties["Topic"]);
        Assert.Equal("owned", started.Properties["Producer"]);
        Assert.Equal(Confluent.Kafka.Library.VersionString, started.Properties["LibrdkafkaVersion"]);
        Assert.EndsWith($"FlowTracker Kafka exporter started: topic={topic} producer=owned librdkafka={Confluent.Kafka.Library.VersionString}", started.Message, StringComparison.Ordinal);
        Assert.Contains(KafkaTraceExporter.DefaultActorName, started.Properties["LogSource"]?.ToString(), StringComparison.Ordinal);

        Assert.Contains($"sasl.password={SettingsDescription.Redacted}", (string)producerConfig.Properties["ProducerConfig"]!, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, producerErrors.Level);
        Assert.StartsWith("Local_", (string)producerErrors.Properties["Errors"]!, StringComparison.Ordinal);
        Assert.Equal(10.0, producerErrors.Properties["IntervalSeconds"]);
        Assert.Equal(3L, stopped.Properties["Exported"]);
        Assert.Equal(3L, stopped.Properties["Dropped"]);
        Assert.Equal("Shutdown=3", stopped.Properties["DroppedByReason"]);

        var exporters = captured.Entries.Where(e => e.Template?.StartsWith("FlowTracker Kafka exporter", StringComparison.Ordinal) == true).ToList();
        Assert.True(exporters.Count >= 5, string.Join(" | ", exporters.Select(e => e.Template)));
        Assert.All(exporters, e => Assert.DoesNotContain('\n', e.Message));
        Assert.All(captured.Entries, e =>
        {
            Assert.DoesNotContain(Password, e.Message, StringComparison.Ordinal);
            Assert.All(e.Properties.Values, v => Assert.DoesNotContain(Password, v?.ToString() ?? string.Empty, StringComparison.Ordinal));
        });
    }
}
