using System.Globalization;
using System.Runtime.InteropServices;

namespace FlowTracker.Kafka.Actors.Benchmarks;

/// <summary>The rows of the final table, printed as Markdown so the README can take it as is.</summary>
internal sealed class Report
{
    private readonly List<(string Section, string Measure, string Value, string Target)> _rows = [];

    public static string Machine() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0.#} GiB, "
        + $"{RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}, librdkafka {Confluent.Kafka.Library.VersionString}");

    public void Add(string section, string measure, string value, string target = "") => _rows.Add((section, measure, value, target));

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Machine: {Machine()}");
        output.WriteLine();
        output.WriteLine("| benchmark | measure | result | target |");
        output.WriteLine("|---|---|---|---|");
        foreach (var (section, measure, value, target) in _rows)
        {
            output.WriteLine($"| {section} | {measure} | {value} | {target} |");
        }
    }
}
