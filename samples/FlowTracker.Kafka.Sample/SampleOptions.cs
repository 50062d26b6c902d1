using System.Globalization;

namespace FlowTracker.Kafka.Sample;

/// <summary>The sample's own switches; everything else goes to ASP.NET Core (for example <c>--urls</c>).</summary>
public sealed record SampleOptions(int? Demo, bool Tail, bool FromBeginning, bool OwnProducer, int LatencyMs, string[] WebArgs)
{
    public const string Usage = """
        FlowTracker Kafka sample
          (no switch)          serve GET /api/checkout?latencyMs=20; Ctrl+C flushes the exporter and stops
          --demo N             send N requests to itself, read the traces back from Kafka, draw them, exit
          --latency-ms MS      the simulated latency of each demo request (default 20)
          --own-producer       export through a producer the application owns (the Go README's second option)
          --tail               draw the traces arriving on the topic (needs FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS)
          --from-beginning     with --tail: start at the oldest record
        Kafka: FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS and FLOWTRACKER_KAFKA_TOPIC name a real cluster and topic;
        without them the sample starts an embedded cluster. ASP.NET Core switches (--urls) pass through.
        """;

    /// <summary>The parsed switches, or null when they make no sense (the caller prints <see cref="Usage"/>).</summary>
    public static SampleOptions? Parse(string[] args)
    {
        int? demo = null;
        var latency = 20;
        bool tail = false, fromBeginning = false, ownProducer = false;
        var web = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--demo" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0:
                    demo = n;
                    i++;
                    break;
                case "--latency-ms" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var ms) && ms >= 0:
                    latency = ms;
                    i++;
                    break;
                case "--tail":
                    tail = true;
                    break;
                case "--from-beginning":
                    fromBeginning = true;
                    break;
                case "--own-producer":
                    ownProducer = true;
                    break;
                case "--demo" or "--latency-ms" or "--help" or "-h":
                    return null;
                default:
                    web.Add(args[i]);
                    break;
            }
        }

        return demo is not null && tail ? null : new SampleOptions(demo, tail, fromBeginning, ownProducer, latency, [.. web]);
    }
}
