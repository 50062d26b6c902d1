using Akka.Actor;
using Akka.Event;
using Akka.Hosting.Logging;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// The one place that decides where the exporter's log lines go. Every call site writes Akka.NET semantic templates
/// to the <see cref="ILoggingAdapter"/> made here; only the sink differs.
/// </summary>
/// <remarks>
/// An actor system whose Akka events go to Microsoft.Extensions.Logging (Akka.Hosting's <c>AddLoggerFactory()</c>, which
/// puts <see cref="LoggerFactoryLogger"/> in <c>akka.loggers</c> and a <see cref="LoggerFactorySetup"/> in the setup) gets
/// the lines written straight to an <c>ILogger</c> of category <see cref="Category"/>: Akka.Hosting's bridge would give them
/// category <c>Akka.Actor.ActorSystem</c>, Akka's rendered prefix, and a state the JSON console formatter prints as
/// <c>{}</c>. Any other system keeps Akka's own logging, so the exporter's lines go wherever the application sent Akka's.
/// </remarks>
internal static class ExporterLog
{
    /// <summary>The Microsoft.Extensions.Logging category of every exporter line.</summary>
    public const string Category = "FlowTracker.Kafka.Actors";

    /// <summary>A logger for <paramref name="source"/>, written as given (Akka's own string sources get the system's address appended).</summary>
    public static ILoggingAdapter For(ActorSystem system, string source)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (LoggerFactoryOf(system) is { } factory)
        {
            return new MicrosoftLoggingAdapter(factory.CreateLogger(Category), source, system.EventStream.LogLevel, system.Settings.LogFormatter);
        }

        return new BusLogging(system.EventStream, source, typeof(KafkaTraceExporter), system.Settings.LogFormatter);
    }

    /// <summary>The application's logger factory, when the system sends its Akka events there; otherwise null.</summary>
    private static Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactoryOf(ActorSystem system)
    {
        var setup = system.Settings.Setup.Get<LoggerFactorySetup>();
        if (!setup.HasValue || setup.Value.LoggerFactory is not { } factory)
        {
            return null;
        }

        // Akka.Hosting adds the setup whenever the host has a factory, also when Akka logs elsewhere (its default logger).
        return system.Settings.Loggers.Any(IsLoggerFactoryLogger) ? factory : null;
    }

    private static bool IsLoggerFactoryLogger(string typeName) =>
        Type.GetType(typeName, throwOnError: false) is { } type && typeof(LoggerFactoryLogger).IsAssignableFrom(type);
}
