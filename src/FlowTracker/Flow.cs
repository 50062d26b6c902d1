using System.Diagnostics;

namespace FlowTracker;

/// <summary>
/// Records spans: Go's <c>flowtracker.StartSpan</c> and <c>AddTag</c> in .NET idiom, on
/// <see cref="ActivitySource"/>. The current span flows with <c>async</c>/<c>await</c> through
/// <see cref="Activity.Current"/>, so no context object is passed around.
/// </summary>
/// <example>
/// <code>
/// using var span = Flow.StartSpan("DB: Process Order");
/// Flow.AddTag("db.query", "SELECT ...");
/// </code>
/// </example>
public static class Flow
{
    /// <summary>The name of the <see cref="ActivitySource"/> that FlowTracker spans come from: <c>FlowTracker</c>.</summary>
    public const string SourceName = "FlowTracker";

    /// <summary>The source of FlowTracker spans. OpenTelemetry can also listen to it by <see cref="SourceName"/>.</summary>
    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>
    /// Starts a span as a child of the current span, or as the root of a new trace when there is
    /// none. Dispose the result to end the span; the trace is exported when its root ends.
    /// </summary>
    /// <param name="name">What the step does, for example <c>HTTP: Shipping Service</c>.</param>
    /// <param name="kind">The activity kind. Default: <see cref="ActivityKind.Internal"/>.</param>
    /// <returns>The span, or <see langword="null"/> when no <see cref="FlowTracer"/> (or other listener) records spans; <c>using</c> accepts both.</returns>
    public static Activity? StartSpan(string name, ActivityKind kind = ActivityKind.Internal)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Source.StartActivity(name, kind);
    }

    /// <summary>
    /// Adds (or replaces) a tag on the current span; does nothing outside a span, as in Go.
    /// </summary>
    public static void AddTag(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Activity.Current?.SetTag(key, value);
    }
}
