using Akka.Configuration;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>The application's producer is checked when the exporter is created. No broker is needed: nothing is sent.</summary>
public sealed class ApplicationProducerTests
{
    [Fact]
    public void ConfluentInternals_TheCheckReads_StillThere()
    {
        var missing = ApplicationProducerHandle.MissingInternals();
        Assert.True(
            missing.Count == 0,
            $"Confluent.Kafka {typeof(Handle).Assembly.GetName().Version} changed the internals ApplicationProducerHandle reads; the application's producer can no longer be checked. Missing: {string.Join("; ", missing)}");

        using var producer = ApplicationProducers.Build();
        Assert.Null(ApplicationProducerHandle.Refusal(producer));
        Assert.False(ApplicationProducerHandle.NativeHandleOf(producer.Handle).IsClosed);
    }

    [Fact]
    public void LiveProducer_Accepted_AndUseProducerChains()
    {
        using var producer = ApplicationProducers.Build();
        var options = new KafkaExporterOptions { Topic = "t" };

        var chained = options.UseProducer(producer);
        var settings = options.Validate();

        Assert.Same(options, chained);
        Assert.Same(producer, settings.Producer);
        Assert.False(settings.OwnsProducer);
    }

    [Fact]
    public void DependentProducerOverALiveOne_Accepted()
    {
        using var producer = ApplicationProducers.Build();
        using var dependent = new DependentProducerBuilder<string, byte[]>(producer.Handle).Build();

        var settings = new KafkaExporterOptions { Topic = "t" }.UseProducer(dependent).Validate();

        Assert.Same(dependent, settings.Producer);
    }

    [Fact]
    public void UseProducer_Null_Rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new KafkaExporterOptions().UseProducer<string, string>(null!));
    }

    [Fact]
    public void DisposedProducer_Refused_NamingProducer_AndSayingWhy()
    {
        var producer = ApplicationProducers.Build();
        producer.Dispose();

        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(new KafkaExporterOptions { Topic = "t" }.UseProducer(producer)));

        Assert.Equal("Producer", error.ParamName);
        Assert.Contains("Kafka exporter option Producer is invalid: the producer is already disposed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DependentProducerOverADisposedOne_Refused()
    {
        var producer = ApplicationProducers.Build();
        using var dependent = new DependentProducerBuilder<string, string>(producer.Handle).Build();
        producer.Dispose();

        var error = Assert.Throws<ArgumentException>(() => new KafkaExporterOptions { Topic = "t" }.UseProducer(dependent).Validate());

        Assert.Contains("already disposed", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<Func<IProducer<string, string>>> ProducersWithoutDeliveryReports => new()
    {
        () => ApplicationProducers.Build(c => c.EnableDeliveryReports = false),
        () => ApplicationProducers.Build(c => c.Set("dotnet.producer.enable.delivery.reports", "false")),
    };

    [Theory]
    [MemberData(nameof(ProducersWithoutDeliveryReports))]
    public void DeliveryReportsDisabled_Refused_SayingTheFix(Func<IProducer<string, string>> build)
    {
        using var producer = build();
        using var dependent = new DependentProducerBuilder<byte[], byte[]>(producer.Handle).Build();

        var direct = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(new KafkaExporterOptions { Topic = "t" }.UseProducer(producer)));
        var throughDependent = Assert.Throws<ArgumentException>(() => new KafkaExporterOptions { Topic = "t" }.UseProducer(dependent).Validate());

        Assert.Equal("Producer", direct.ParamName);
        Assert.Contains("Kafka exporter option Producer is invalid: the producer has delivery reports disabled", direct.Message, StringComparison.Ordinal);
        Assert.Contains("EnableDeliveryReports = true", direct.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet.producer.enable.delivery.reports", direct.Message, StringComparison.Ordinal);
        Assert.Equal(direct.Message, throughDependent.Message);
    }

    [Fact]
    public void ConsumerReachingTheInternalPath_Refused_SayingItIsNotAProducer()
    {
        using var consumer = new ConsumerBuilder<Null, Null>(new ConsumerConfig { BootstrapServers = ApplicationProducers.Nowhere, GroupId = "g" }).Build();
        var hocon = ConfigurationFactory.ParseString("flowtracker.kafka-exporter.topic = t");

        // Akka.Hosting's setup carries options whose Producer is an IClient: this is where anything but a producer could still arrive.
        var error = Assert.Throws<ArgumentException>(() => KafkaTraceExporter.Create(hocon, new KafkaExporterOptions { Producer = consumer }));

        Assert.Equal("Producer", error.ParamName);
        Assert.Contains("Kafka exporter option Producer is invalid: its handle belongs to a Consumer, not a producer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientWithAHandleConfluentDidNotCreate_Refused()
    {
        using var client = new ForeignClient();

        var error = Assert.Throws<ArgumentException>(() => new KafkaExporterOptions { Topic = "t", Producer = client }.Validate());

        Assert.Contains("Producer is invalid: its Handle (ForeignClient) is not one Confluent.Kafka created", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A test double of the kind a mocking library makes: its handle carries no librdkafka client.</summary>
    private sealed class ForeignClient : IClient
    {
        public Handle Handle { get; } = new();

        public string Name => "foreign";

        public int AddBrokers(string brokers) => 0;

        public void SetSaslCredentials(string username, string password)
        {
        }

        public void Dispose()
        {
        }
    }
}

/// <summary>Applications' producers for tests that never send: their brokers do not exist.</summary>
internal static class ApplicationProducers
{
    /// <summary>Nothing listens on port 1: the producer is created and checked, and librdkafka only retries connecting.</summary>
    public const string Nowhere = "127.0.0.1:1";

    public static IProducer<string, string> Build(Action<ProducerConfig>? configure = null)
    {
        var config = new ProducerConfig { BootstrapServers = Nowhere };
        configure?.Invoke(config);

        // Connection errors to Nowhere are expected; without handlers Confluent would print each one.
        return new ProducerBuilder<string, string>(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
    }
}
