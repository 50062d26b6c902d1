namespace FlowTracker.Kafka.Actors;

/// <summary>What the exporter does with a trace whose record would exceed <see cref="KafkaExporterOptions.MaxMessageBytes"/>.</summary>
public enum OversizedTraces
{
    /// <summary>
    /// The default: several records under the same key (the trace id), each a valid FlowTracker document holding a
    /// run of the spans in order, with the headers <c>flowtracker.part</c> (1-based) and <c>flowtracker.parts</c>;
    /// a consumer that merges the parts by trace id gets the whole trace back. A trace with a span that alone
    /// exceeds the limit is dropped (<c>TooLarge</c>).
    /// </summary>
    Split,

    /// <summary>
    /// As <see cref="Split"/>, but a span that alone exceeds the limit has its longest tag values cut, each ending
    /// with <c>…[truncated]</c>, until it fits (dropped, <c>TooLarge</c>, only when even that cannot make it fit).
    /// </summary>
    Truncate,

    /// <summary>The whole trace is dropped (<c>TooLarge</c>).</summary>
    Drop,
}
