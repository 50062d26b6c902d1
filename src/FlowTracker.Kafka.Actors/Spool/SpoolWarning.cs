using System.Text.RegularExpressions;

namespace FlowTracker.Kafka.Actors.Spool;

/// <summary>
/// A warning of the spool's as a message template with its values in order, so that the exporter logs it as a
/// semantic event (named properties such as SpoolDirectory and SpoolProblem), not one pre-rendered string.
/// </summary>
internal sealed partial record SpoolWarning(string Template, object?[] Args)
{
    public static SpoolWarning Of(string template, params object?[] args) => new(template, args);

    /// <summary>The template with its values in place, for whoever wants text (tests, a plain callback).</summary>
    public override string ToString()
    {
        var next = 0;
        return Placeholder().Replace(Template, match => next < Args.Length ? Convert.ToString(Args[next++], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty : match.Value);
    }

    [GeneratedRegex(@"\{[A-Za-z][A-Za-z0-9]*\}")]
    private static partial Regex Placeholder();
}
