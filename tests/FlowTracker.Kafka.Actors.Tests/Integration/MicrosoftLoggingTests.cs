using System.Text.Json;
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
/// Microsoft.Extensions.Logging: the exporter's own category, Akka's prefix gone, each line's template and its named
/// properties, as a capturing provider and the JSON console formatter see them.
/// </summary>
public sealed class MicrosoftLoggingTests
{
    private const string Password = "hunter2-do-not-log";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ThroughAkkaHostingsLoggerFactory_ExporterCategory_NoAkkaPrefix_TemplatesAndNamedProperties_AndNoSecret()
    {
        var topic = $"mel-{Guid.NewGuid():N}";
        var captured = new CapturingLoggerProvider();
        var json = new JsonConsoleCapture();
        using var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddProvider(captured).AddProvider(json).SetMinimumLevel(LogLevel.Debug))
            .ConfigureServices(services => services.AddAkka("mel", (akka, _) => akka
                .ConfigureLoggers(loggers => loggers.ClearLoggers().AddLoggerFactory())
                // Nothing listens on port 1: the producer's connection errors are logged, and each trace fails when its message times out.
                .WithFlowTrackerKafkaExporter(ExporterOptions.For("127.0.0.1:1", topic, o =>
                {
                    o.ProducerConfig!["security.protocol"] = "SASL_PLAINTEXT";
                    o.ProducerConfig["sasl.mechanisms"] = "PLAIN";
                    o.ProducerConfig["sasl.username"] = "exporter";
                    o.ProducerConfig["sasl.password"] = Password;
                    o.ProducerConfig["message.timeout.ms"] = "500";
                    o.FlushTimeout = TimeSpan.FromSeconds(1);
                }))))
            .Build();
        await host.StartAsync().WaitAsync(Patience);
        var exporter = host.Services.GetRequiredService<Akka.Actor.ActorSystem>().GetFlowTrackerKafkaExporter();
        exporter.ExportCheckouts("logged", 3);

        var started = await captured.FirstAsync(e => e.Template == SettingsDescription.StartedTemplate).WaitAsync(Patience);
        var settings = await captured.FirstAsync(e => e.Template == SettingsDescription.SettingsTemplate).WaitAsync(Patience);
        var producerConfig = await captured.FirstAsync(e => e.Template == SettingsDescription.ProducerConfigTemplate).WaitAsync(Patience);
        var producerErrors = await captured.FirstAsync(e => Has(e, "producer errors, librdkafka keeps retrying")).WaitAsync(Patience);
        var deliveryErrors = await captured.FirstAsync(e => Has(e, "traces failed to reach topic")).WaitAsync(Patience);
        await host.StopAsync().WaitAsync(Patience);
        var stopped = await captured.FirstAsync(e => Has(e, "exporter stopped:")).WaitAsync(Patience);

        var bootstrap = exporter.Settings.ProducerConfig!["bootstrap.servers"];
        Assert.Equal(LogLevel.Information, started.Level);
        Assert.Equal($"FlowTracker Kafka exporter started: topic={topic} bootstrap.servers={bootstrap} producer=owned librdkafka={Confluent.Kafka.Library.VersionString}", started.Message);
        Assert.Equal(topic, started.Properties["Topic"]);
        Assert.Equal(bootstrap, started.Properties["BootstrapServers"]);
        Assert.Equal("owned", started.Properties["Producer"]);
        Assert.Equal(Confluent.Kafka.Library.VersionString, started.Properties["LibrdkafkaVersion"]);
        Assert.Equal(100_000, settings.Properties["MaxBufferedTraces"]);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.Properties["FlushTimeout"]);
        Assert.Contains($"sasl.password={SettingsDescription.Redacted}", (string)producerConfig.Properties["ProducerConfig"]!, StringComparison.Ordinal);

        Assert.Equal(LogLevel.Warning, producerErrors.Level);
        Assert.StartsWith("Local_", (string)producerErrors.Properties["Errors"]!, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Error, deliveryErrors.Level);
        Assert.Equal(topic, deliveryErrors.Properties["Topic"]);
        Assert.StartsWith("Local_MsgTimedOut x", (string)deliveryErrors.Properties["Errors"]!, StringComparison.Ordinal);
        Assert.Equal(10.0, deliveryErrors.Properties["IntervalSeconds"]);

        Assert.Equal(LogLevel.Information, stopped.Level);
        Assert.StartsWith("FlowTracker Kafka exporter stopped: exported=3 delivered=0 dropped=0 [] failed=3 [Local_MsgTimedOut=3] ", stopped.Message, StringComparison.Ordinal);
        Assert.Equal(3L, stopped.Properties["Exported"]);
        Assert.Equal(0L, stopped.Properties["Delivered"]);
        Assert.Equal(0L, stopped.Properties["Dropped"]);
        Assert.Equal(3L, stopped.Properties["Failed"]);
        Assert.Equal("Local_MsgTimedOut=3", stopped.Properties["FailedByError"]);

        // Every exporter line: its own category, one source spelling, one line, no Akka prefix, never through Akka.Hosting's bridge.
        var exporters = captured.Entries.Where(e => e.Template?.StartsWith("FlowTracker Kafka exporter", StringComparison.Ordinal) == true).ToList();
        Assert.True(exporters.Count >= 7, string.Join(" | ", exporters.Select(e => e.Template)));
        Assert.All(exporters, e =>
        {
            Assert.Equal(ExporterLog.Category, e.Category);
            Assert.Equal($"akka://mel/user/{KafkaTraceExporter.DefaultActorName}", e.Properties[ExporterLogState.SourceKey]);
            Assert.StartsWith("FlowTracker Kafka exporter", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        });
        Assert.DoesNotContain(captured.Entries, e => e.Category != ExporterLog.Category && e.Message.Contains("FlowTracker Kafka", StringComparison.Ordinal));
        Assert.All(captured.Entries, e =>
        {
            Assert.DoesNotContain(Password, e.Message, StringComparison.Ordinal);
            Assert.All(e.Properties.Values, v => Assert.DoesNotContain(Password, v?.ToString() ?? string.Empty, StringComparison.Ordinal));
        });

        // The JSON console formatter's own output: the same properties, as JSON values of their types.
        var jsonStopped = Assert.Single(json.Lines, l => l.GetProperty("Message").GetString()!.StartsWith("FlowTracker Kafka exporter stopped:", StringComparison.Ordinal));
        Assert.Equal(ExporterLog.Category, jsonStopped.GetProperty("Category").GetString());
        Assert.Equal(stopped.Message, jsonStopped.GetProperty("Message").GetString());
        Assert.Equal(3, jsonStopped.GetProperty("State").GetProperty("Exported").GetInt64());
        Assert.Equal(0, jsonStopped.GetProperty("State").GetProperty("Delivered").GetInt64());
        Assert.Equal(0, jsonStopped.GetProperty("State").GetProperty("Dropped").GetInt64());
        var jsonStarted = Assert.Single(json.Lines, l => State(l, "{OriginalFormat}") == SettingsDescription.StartedTemplate);
        Assert.Equal(topic, State(jsonStarted, "Topic"));
        Assert.Equal(bootstrap, State(jsonStarted, "BootstrapServers"));
        var jsonDeliveryErrors = json.Lines.First(l => l.GetProperty("Message").GetString()!.Contains("traces failed to reach topic", StringComparison.Ordinal));
        Assert.Equal("Error", jsonDeliveryErrors.GetProperty("LogLevel").GetString());
        Assert.Equal(topic, State(jsonDeliveryErrors, "Topic"));
        Assert.StartsWith("Local_MsgTimedOut x", State(jsonDeliveryErrors, "Errors"), StringComparison.Ordinal);
    }

    /// <summary>Before: the spool's warnings were one pre-rendered property ("{SpoolWarning}"), and a reason ending in a full stop got two.</summary>
    [Fact]
    public async Task SpoolThatCannotWrite_ItsWarningIsATemplate_WithTheDirectoryAndTheProblemAsProperties()
    {
        var file = Path.Combine(Path.GetTempPath(), $"flowtracker-spool-file-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, "not a directory");
        try
        {
            var captured = new CapturingLoggerProvider();
            using var host = new HostBuilder()
                .ConfigureLogging(logging => logging.ClearProviders().AddProvider(captured))
                .ConfigureServices(services => services.AddAkka("mel-spool", (akka, _) => akka
                    .ConfigureLoggers(loggers => loggers.ClearLoggers().AddLoggerFactory())
                    .WithFlowTrackerKafkaExporter(ExporterOptions.For("127.0.0.1:1", "spool-warning", o =>
                    {
                        o.SpoolDirectory = file;
                        o.FlushTimeout = TimeSpan.FromMilliseconds(200);
                    }))))
                .Build();
            await host.StartAsync().WaitAsync(Patience);

            var warning = await captured.FirstAsync(e => Has(e, "is not working")).WaitAsync(Patience);
            await host.StopAsync().WaitAsync(Patience);

            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Equal(ExporterLog.Category, warning.Category);
            Assert.Equal(file, warning.Properties["SpoolDirectory"]);
            Assert.False(string.IsNullOrWhiteSpace(warning.Properties["SpoolProblem"]?.ToString()));
            Assert.DoesNotContain("..", warning.Message, StringComparison.Ordinal);
            Assert.StartsWith($"FlowTracker Kafka exporter: the spool at {file} is not working (", warning.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static bool Has(CapturingLoggerProvider.Entry entry, string text) =>
        entry.Template?.StartsWith("FlowTracker Kafka exporter", StringComparison.Ordinal) == true && entry.Template.Contains(text, StringComparison.Ordinal);

    private static string? State(JsonElement line, string key) =>
        line.TryGetProperty("State", out var state) && state.TryGetProperty(key, out var value) ? value.ToString() : null;
}
