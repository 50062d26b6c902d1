using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Event;
using Akka.Hosting.Logging;
using FlowTracker.Kafka.Actors.Diagnostics;
using FlowTracker.Kafka.Actors.Tests.Support;
using Microsoft.Extensions.Logging;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>Which sink the exporter's lines go to: Microsoft.Extensions.Logging when Akka's events go there, Akka's own logging otherwise.</summary>
public sealed class ExporterLogTests
{
    private const string Source = "akka://logs/user/flowtracker-kafka-exporter";
    private static readonly string LoggerFactoryLoggerType = typeof(LoggerFactoryLogger).AssemblyQualifiedName!;

    [Fact]
    public async Task SystemLoggingToTheLoggerFactory_LinesGoStraightToIt_UnderTheExportersCategory()
    {
        var captured = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(captured));
        var system = Create($"akka.loggers = [\"{LoggerFactoryLoggerType}\"]", new LoggerFactorySetup(factory));
        try
        {
            var log = ExporterLog.For(system, Source);
            log.Info("FlowTracker Kafka exporter: {Count} line", 1);

            Assert.IsType<MicrosoftLoggingAdapter>(log);
            var entry = Assert.Single(captured.Entries, e => e.Category == ExporterLog.Category);
            Assert.Equal("FlowTracker Kafka exporter: 1 line", entry.Message);
            Assert.Equal(Source, entry.Properties[ExporterLogState.SourceKey]);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Akka.Hosting adds its logger factory setup to every hosted system; only the loggers say where Akka's events go.</summary>
    [Fact]
    public async Task SystemWithTheFactoryButAkkasOwnLoggers_LinesGoThroughAkka_WithTheSourceAsGiven()
    {
        var captured = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(captured));
        var system = Create(string.Empty, new LoggerFactorySetup(factory));
        try
        {
            var probe = new Akka.TestKit.Xunit2.TestKit(system);
            system.EventStream.Subscribe(probe.TestActor, typeof(Info));

            ExporterLog.For(system, Source).Info("FlowTracker Kafka exporter: {Count} line", 1);

            var info = probe.FishForMessage<Info>(i => i.Message is LogMessage { Format: "FlowTracker Kafka exporter: {Count} line" });
            Assert.Equal(Source, info.LogSource);
            Assert.Equal("FlowTracker Kafka exporter: 1 line", info.Message.ToString());
            Assert.DoesNotContain(captured.Entries, e => e.Category == ExporterLog.Category);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static ActorSystem Create(string hocon, Setup setup) =>
        ActorSystem.Create($"logs-{Guid.NewGuid():N}", BootstrapSetup.Create().WithConfig(hocon).And(setup));
}
