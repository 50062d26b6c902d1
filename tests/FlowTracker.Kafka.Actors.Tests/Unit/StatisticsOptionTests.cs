using Akka.Configuration;
using FlowTracker.Kafka.Actors.Settings;
using Microsoft.Extensions.Configuration;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>StatisticsInterval: one name in code, HOCON and appsettings, and the librdkafka property it sets.</summary>
public sealed class StatisticsOptionTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Default_Off_NoStatisticsProperty()
    {
        var settings = Valid(KafkaExporterHocon.Read(Config.Empty, NoEnvironment));

        Assert.Null(settings.StatisticsInterval);
        Assert.DoesNotContain(KafkaExporterSettings.StatisticsIntervalProperty, settings.ProducerConfig!.Keys);
    }

    [Theory]
    [InlineData("statistics-interval = 15s", 15_000)]
    [InlineData("statistics-interval = 250ms", 250)]
    [InlineData("statistics-interval = off", null)]
    public void FromHocon_SetsStatisticsIntervalMs(string hocon, int? milliseconds)
    {
        var settings = Valid(KafkaExporterHocon.Read(ConfigurationFactory.ParseString($"flowtracker.kafka-exporter {{ {hocon} }}"), NoEnvironment));

        Assert.Equal(milliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null, settings.StatisticsInterval);
        Assert.Equal(milliseconds?.ToString(System.Globalization.CultureInfo.InvariantCulture), settings.ProducerConfig!.GetValueOrDefault(KafkaExporterSettings.StatisticsIntervalProperty));
    }

    [Theory]
    [InlineData("StatisticsInterval", "00:00:05")]
    [InlineData("statistics-interval", "5s")]
    public void FromAppSettings_EitherSpelling(string key, string value)
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"FlowTracker:KafkaExporter:{key}"] = value }).Build()
            .GetSection("FlowTracker:KafkaExporter");

        var (hocon, _) = KafkaExporterConfiguration.ToHocon(section);

        Assert.Equal(TimeSpan.FromSeconds(5), Valid(KafkaExporterHocon.Read(hocon, NoEnvironment)).StatisticsInterval);
    }

    [Theory]
    [InlineData(0.0, "StatisticsInterval = '00:00:00' is invalid: must be whole milliseconds from 1ms to 24h")]
    [InlineData(0.5, "StatisticsInterval = '00:00:00.0005000' is invalid")]
    [InlineData(86_400_001.0, "StatisticsInterval = '1.00:00:00.0010000' is invalid")]
    public void OutOfLibrdkafkasRange_Rejected_NamingKeyAndValue(double milliseconds, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => Options(o => o.StatisticsInterval = TimeSpan.FromMilliseconds(milliseconds)).Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BareNumberInHocon_Rejected_ForItsMissingUnit()
    {
        var hocon = ConfigurationFactory.ParseString("flowtracker.kafka-exporter.statistics-interval = 10");

        var error = Assert.Throws<ArgumentException>(() => KafkaExporterHocon.Read(hocon, NoEnvironment));

        Assert.Contains("flowtracker.kafka-exporter.statistics-interval = '10' is invalid: a duration needs a unit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LibrdkafkasOwnProperty_Rejected_SayingWhichOptionSetsIt()
    {
        var error = Assert.Throws<ArgumentException>(() => Options(o => o.ProducerConfig![KafkaExporterSettings.StatisticsIntervalProperty] = "5000").Validate());

        Assert.Contains("ProducerConfig[statistics.interval.ms] = '5000' is invalid: set StatisticsInterval instead", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NextToAnApplicationsProducer_Rejected_ItsStatisticsAreItsOwn()
    {
        using var producer = ApplicationProducers.Build();
        var options = new KafkaExporterOptions { Topic = "t", StatisticsInterval = TimeSpan.FromSeconds(5) }.UseProducer(producer);

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        Assert.Contains("StatisticsInterval = '00:00:05' is invalid: the exporter reads the statistics of a producer it owns, and Producer (UseProducer)", error.Message, StringComparison.Ordinal);
    }

    private static KafkaExporterOptions Options(Action<KafkaExporterOptions> configure)
    {
        var options = new KafkaExporterOptions { Topic = "t", ProducerConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "b:9092" } };
        configure(options);
        return options;
    }

    private static KafkaExporterSettings Valid(KafkaExporterOptions options)
    {
        options.Topic = "t";
        options.ProducerConfig!["bootstrap.servers"] = "b:9092";
        return options.Validate();
    }
}
