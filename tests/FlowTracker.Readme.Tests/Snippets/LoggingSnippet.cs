// README, "Logs".
using Akka.Hosting;                      // AddAkka, ConfigureLoggers, AddLoggerFactory
using FlowTracker.Kafka.Actors.Hosting;  // WithFlowTrackerKafkaExporter
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

// Outside FlowTracker.*, as an application is: the README's using lines are needed here as they are there.
namespace ReadmeSnippets;

internal static class LoggingSnippet
{
    public static void Run(WebApplicationBuilder builder)
    {
        builder.Logging.AddConsole();            // or any provider; OpenTelemetry's and Serilog's (below) keep the properties
        builder.Services.AddAkka("my-system", (akka, _) => akka
            .ConfigureLoggers(loggers => loggers.ClearLoggers().AddLoggerFactory())  // Akka's log events -> ILoggerFactory
            .WithFlowTrackerKafkaExporter());
    }
}
