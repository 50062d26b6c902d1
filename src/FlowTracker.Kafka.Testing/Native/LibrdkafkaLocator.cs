using System.Runtime.InteropServices;

namespace FlowTracker.Kafka.Testing.Native;

/// <summary>
/// Finds the librdkafka binary that Confluent.Kafka actually loaded. The mock API must be called
/// in that very library: a second copy would have its own globals and its own clusters. On Debian 12
/// Confluent.Kafka's first candidate fails to load (it needs libsasl2.so.3) and it silently falls
/// back to <c>centos8-librdkafka.so</c>, so guessing a path would bind the wrong file.
/// </summary>
internal static class LibrdkafkaLocator
{
    public static string FindLoadedLibrary()
    {
        if (OperatingSystem.IsLinux())
        {
            // The loader's own record of what is mapped into this process.
            // Lines read "address perms offset dev inode path"; the path is the sixth field.
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                var file = fields.Length == 6 ? Path.GetFileName(fields[5]) : string.Empty;
                if (file.Contains("librdkafka", StringComparison.Ordinal) && file.Contains(".so", StringComparison.Ordinal))
                {
                    return fields[5].Trim();
                }
            }

            throw new InvalidOperationException(
                "Confluent.Kafka has not mapped a librdkafka binary into this process (none found in /proc/self/maps).");
        }

        // Elsewhere, ask the loader by the name Confluent.Kafka loads: it returns the module already loaded.
        var name = OperatingSystem.IsWindows() ? "librdkafka.dll" : "librdkafka.dylib";
        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", name),
            Path.Combine(AppContext.BaseDirectory, name),
        };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"Could not find the librdkafka binary Confluent.Kafka loaded (looked for {string.Join(", ", candidates)}).");
    }
}
