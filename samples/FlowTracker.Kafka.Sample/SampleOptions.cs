using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace FlowTracker.Kafka.Sample;

/// <summary>
/// The sample's switches, read strictly: a switch it does not know, a missing or wrong value, or switches
/// that do not go together are refused with a message saying which and why. ASP.NET Core's
/// <c>--urls</c> and <c>--environment</c>, and configuration keys (<c>--Logging:LogLevel:Default=Debug</c>),
/// pass through to the web host.
/// </summary>
public sealed record SampleOptions
{
    public const string Usage = """
        FlowTracker Kafka sample
          (no switch)          serve GET /api/checkout?latencyMs=20; Ctrl+C flushes the exporter and stops
          --demo N             send N requests (1 or more) to itself, read the traces back from Kafka, draw them, exit
          --latency-ms MS      with --demo: the simulated latency of each request, 0 to 5000 (default 20)
          --own-producer       export through a producer the application owns (the Go README's second option)
          --spool DIR          write every trace ahead to a durable spool in DIR: sent after a crash or an outage,
                               at the next start (a killed process loses at most the traces of the last 100 ms)
          --tail               draw the traces arriving on the topic (needs FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS)
          --from-beginning     with --tail: start at the oldest record
          --help, -h           print this and exit
        A switch's value follows it or an equals sign: --demo 5, --demo=5.
        Kafka: FLOWTRACKER_KAFKA_BOOTSTRAP_SERVERS and FLOWTRACKER_KAFKA_TOPIC name a real cluster and topic;
        without them the sample starts an embedded cluster.
        ASP.NET Core: --urls, --environment and configuration keys (--Logging:LogLevel:Default=Debug) pass through.
        A wrong switch is named on standard error, with the reason, and the exit code is 2.
        """;

    /// <summary>The latency <c>CheckoutEndpoint</c> accepts at most; a larger one would be clamped without a word.</summary>
    public const int MaxLatencyMs = 5_000;

    /// <summary>With <c>--demo N</c>: N, the number of requests; otherwise null (serve or tail).</summary>
    public int? Demo { get; init; }

    public bool Tail { get; init; }

    public bool FromBeginning { get; init; }

    public bool OwnProducer { get; init; }

    /// <summary>With <c>--spool DIR</c>: the exporter's spool directory (the spool is on); otherwise null.</summary>
    public string? SpoolDirectory { get; init; }

    public int LatencyMs { get; init; } = 20;

    /// <summary><c>--help</c> or <c>-h</c>: print <see cref="Usage"/> and do nothing else.</summary>
    public bool Help { get; init; }

    /// <summary>The switches for ASP.NET Core, as they were given.</summary>
    public IReadOnlyList<string> WebArgs { get; init; } = [];

    /// <summary>Reads the command line.</summary>
    /// <returns>false, with <paramref name="error"/> naming the wrong switch and why, when the switches make no sense.</returns>
    public static bool TryParse(IReadOnlyList<string> args, [NotNullWhen(true)] out SampleOptions? options, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = null;
        if (args.Any(a => a is "--help" or "-h"))
        {
            options = new SampleOptions { Help = true };
            error = null;
            return true;
        }

        var reader = new Reader(args);
        error = reader.Read();
        if (error is null)
        {
            options = reader.Options;
        }

        return error is null;
    }

    /// <summary>One pass over the arguments; the first wrong one ends it.</summary>
    private sealed class Reader(IReadOnlyList<string> args)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private readonly List<string> _web = [];
        private int _next;

        public SampleOptions Options { get; private set; } = new();

        public string? Read()
        {
            while (_next < args.Count)
            {
                var arg = args[_next++];
                var equals = arg.IndexOf('=', StringComparison.Ordinal);
                var name = arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? arg[..equals] : arg;
                var inline = name.Length < arg.Length ? arg[(equals + 1)..] : null;
                if (IsWebSwitch(name))
                {
                    if (!TryGetValue(ref inline))
                    {
                        return $"{name} needs a value (it is ASP.NET Core's).";
                    }

                    _web.AddRange([name, inline]);
                    continue;
                }

                if (!name.StartsWith('-'))
                {
                    return $"'{arg}' is not a switch (switches start with --).";
                }

                if (!_seen.Add(name))
                {
                    return $"{name} is given twice.";
                }

                if (Apply(name, inline) is { } wrong)
                {
                    return wrong;
                }
            }

            Options = Options with { WebArgs = [.. _web] };
            return Conflicts();
        }

        private string? Apply(string name, string? inline)
        {
            switch (name)
            {
                case "--demo":
                    return ReadNumber(name, inline, "the number of requests to send", 1, int.MaxValue, n => Options = Options with { Demo = n });
                case "--latency-ms":
                    return ReadNumber(name, inline, "each demo request's latency in milliseconds", 0, MaxLatencyMs, ms => Options = Options with { LatencyMs = ms });
                case "--tail" or "--from-beginning" or "--own-producer" when inline is not null:
                    return $"{name} takes no value, but was given '{inline}'.";
                case "--tail":
                    Options = Options with { Tail = true };
                    return null;
                case "--from-beginning":
                    Options = Options with { FromBeginning = true };
                    return null;
                case "--own-producer":
                    Options = Options with { OwnProducer = true };
                    return null;
                case "--spool":
                    if (!TryGetValue(ref inline))
                    {
                        return "--spool needs a value: the directory of the exporter's spool.";
                    }

                    Options = Options with { SpoolDirectory = inline };
                    return null;
                default:
                    return $"{name} is not a switch of this sample.";
            }
        }

        private string? ReadNumber(string name, string? inline, string meaning, int min, int max, Action<int> set)
        {
            if (!TryGetValue(ref inline))
            {
                return $"{name} needs a value: {meaning}.";
            }

            if (!int.TryParse(inline, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                var range = max == int.MaxValue ? $"a whole number, {min} or more" : $"a whole number from {min} to {max}";
                return $"{name} {inline}: {meaning} must be {range}.";
            }

            set(value);
            return null;
        }

        // The value after '=', or else the next argument unless that is a switch itself: "--demo --tail" lacks the number.
        private bool TryGetValue([NotNullWhen(true)] ref string? value)
        {
            if (value is null && _next < args.Count && !args[_next].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[_next++];
            }

            return !string.IsNullOrEmpty(value);
        }

        private string? Conflicts() => Options switch
        {
            { Demo: not null, Tail: true } => "--demo and --tail are two different runs: choose one.",
            { Demo: null } when _seen.Contains("--latency-ms") => "--latency-ms sets the demo's requests' latency: it needs --demo.",
            { FromBeginning: true, Tail: false } => "--from-beginning says where --tail starts: it needs --tail.",
            { OwnProducer: true, Tail: true } => "--own-producer is how traces are exported, and --tail exports none: choose one.",
            { SpoolDirectory: not null, Tail: true } => "--spool keeps the traces the sample exports, and --tail exports none: choose one.",
            _ => null,
        };

        // ASP.NET Core's host switches and configuration keys (Section:Key) are the web host's to read.
        private static bool IsWebSwitch(string name) =>
            name is "--urls" or "--environment" || (name.StartsWith("--", StringComparison.Ordinal) && name.Contains(':', StringComparison.Ordinal));
    }
}
