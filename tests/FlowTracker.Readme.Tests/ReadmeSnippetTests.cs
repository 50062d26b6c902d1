using System.Text.RegularExpressions;

namespace FlowTracker.Readme.Tests;

/// <summary>
/// Every C# block of the README, and of each package's README (src/*/README.md, shown on the package page), is code of this project (Snippets/), which the build compiles: a block's
/// <c>using</c> lines are among its file's, and the rest of its lines stand in that file in the same order,
/// indentation aside. So the README cannot drift from the API, and no snippet file is left without its block.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    private static readonly string Root = FindRoot();

    public static TheoryData<int> Blocks() => [.. Enumerable.Range(0, ReadmeBlocks().Count)];

    [Fact]
    public void Readme_HasCSharpBlocks()
    {
        Assert.True(ReadmeBlocks().Count(b => b.Readme == "README.md") >= 4, "the README's C# blocks were not found");
        Assert.True(ReadmeBlocks().Count(b => b.Readme != "README.md") >= 3, "the package READMEs' C# blocks were not found");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void ReadmeBlock_StandsInACompiledSnippetFile(int index)
    {
        var block = ReadmeBlocks()[index];

        var home = SnippetFiles().Where(f => Contains(f.Lines, block)).Select(f => Path.GetFileName(f.Path)).ToList();

        Assert.True(home.Count == 1, $"{block.Readme} C# block (starting \"{block.Body.FirstOrDefault()}\") is in {home.Count} snippet file(s) of tests/FlowTracker.Readme.Tests/Snippets; it must be in exactly one.");
    }

    [Fact]
    public void EverySnippetFile_HasItsBlockInTheReadme()
    {
        var blocks = ReadmeBlocks();

        Assert.All(SnippetFiles(), f => Assert.True(blocks.Any(b => Contains(f.Lines, b)), $"{Path.GetFileName(f.Path)} is no longer shown in the README"));
    }

    private static bool Contains(IReadOnlyList<string> file, Block block)
    {
        if (!block.Usings.All(u => file.Contains(u)))
        {
            return false;
        }

        for (var start = 0; start + block.Body.Count <= file.Count; start++)
        {
            if (block.Body.Select((line, i) => file[start + i] == line).All(match => match))
            {
                return true;
            }
        }

        return false;
    }

    private static List<Block> ReadmeBlocks() =>
        [.. Readmes().SelectMany(readme => CSharpBlock().Matches(File.ReadAllText(Path.Combine(Root, readme))).Select(m => Block.Of(readme, m.Groups[1].Value)))];

    private static IEnumerable<string> Readmes() =>
        new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(Root, "src"), "README.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Root, p)).Order(StringComparer.Ordinal));

    private static List<(string Path, List<string> Lines)> SnippetFiles() =>
        [.. Directory.GetFiles(Path.Combine(Root, "tests", "FlowTracker.Readme.Tests", "Snippets"), "*.cs")
            .Select(p => (p, File.ReadAllLines(p).Select(l => l.Trim()).Where(l => l.Length > 0).ToList()))];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlowTracker.Kafka.Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (FlowTracker.Kafka.Actors.sln) was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    /// <summary>A README block: its using lines, and its other non-blank lines, trimmed.</summary>
    private sealed record Block(string Readme, List<string> Usings, List<string> Body)
    {
        public static Block Of(string readme, string text)
        {
            var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            // A using directive (not a using statement: those have parentheses), with or without a comment after it.
            var usings = lines.Where(l => l.StartsWith("using ", StringComparison.Ordinal) && l.Contains(';', StringComparison.Ordinal) && !l.Contains('(', StringComparison.Ordinal)).ToList();
            return new Block(readme, usings, [.. lines.Where(l => !usings.Contains(l))]);
        }
    }
}
