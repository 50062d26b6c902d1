using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// Akka.NET's logging adapter over a Microsoft.Extensions.Logging <see cref="ILogger"/>: the exporter's semantic templates
/// reach the application's providers as message templates with named properties (<see cref="ExporterLogState"/>), rendered
/// without Akka's <c>[LEVEL][date][thread][source]</c> prefix, synchronously on the calling thread.
/// </summary>
/// <remarks>
/// A line is written when both Akka's <c>akka.loglevel</c> (<paramref name="akkaLevel"/>) and the logger's own filters let
/// it through: the same two gates an Akka event passes on its way through Akka.Hosting's logger factory logger.
/// </remarks>
internal sealed class MicrosoftLoggingAdapter(ILogger logger, string source, AkkaLogLevel akkaLevel, ILogMessageFormatter formatter)
    : LoggingAdapterBase(formatter)
{
    public override bool IsDebugEnabled => IsOn(AkkaLogLevel.DebugLevel);

    public override bool IsInfoEnabled => IsOn(AkkaLogLevel.InfoLevel);

    public override bool IsWarningEnabled => IsOn(AkkaLogLevel.WarningLevel);

    public override bool IsErrorEnabled => IsOn(AkkaLogLevel.ErrorLevel);

    public static MelLogLevel LevelOf(AkkaLogLevel level) => level switch
    {
        AkkaLogLevel.DebugLevel => MelLogLevel.Debug,
        AkkaLogLevel.InfoLevel => MelLogLevel.Information,
        AkkaLogLevel.WarningLevel => MelLogLevel.Warning,
        _ => MelLogLevel.Error,
    };

    protected override void NotifyLog(AkkaLogLevel logLevel, object message, Exception? cause = null)
    {
        // Akka's Log(level, ...) does not ask first (its event bus drops what no logger subscribed to); a logger must.
        if (!IsOn(logLevel))
        {
            return;
        }

        var state = message is LogMessage semantic ? new ExporterLogState(semantic, source) : new ExporterLogState(message.ToString() ?? string.Empty, source);
        logger.Log(LevelOf(logLevel), default, state, cause, static (s, _) => s.ToString());
    }

    private bool IsOn(AkkaLogLevel level) => level >= akkaLevel && logger.IsEnabled(LevelOf(level));
}
