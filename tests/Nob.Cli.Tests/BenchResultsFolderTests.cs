using System.Text.Json.Nodes;
using Nob.Cli.Bench;
using Nob.Testing;

namespace Nob.Cli.Tests;

public class BenchResultsFolderTests
{
    [Fact]
    public void Resolve_Folder_NewestFileByName()
    {
        var folder = Directory.CreateTempSubdirectory("nob-bench-results-").FullName;
        try
        {
            foreach (var name in new[] { "2026-11-25-4-started.json", BenchResultsFolder.FileName(new DateTimeOffset(2026, 12, 4, 5, 7, 0, TimeSpan.Zero)), "2026-11-25-5-coldstart.json" })
                File.WriteAllText(Path.Combine(folder, name), "{}");
            File.WriteAllText(Path.Combine(folder, "notes.md"), "not results");

            Assert.Equal(Path.Combine(folder, "2026-12-04T0507Z.json"), BenchResultsFolder.Resolve(folder));
            Assert.Equal(Path.Combine(folder, "2026-11-25-4-started.json"), BenchResultsFolder.Resolve(Path.Combine(folder, "2026-11-25-4-started.json")));
            Assert.Null(BenchResultsFolder.Resolve(Path.Combine(folder, "missing")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task SaveAsync_Report_ReadBackAsTheFolderNewest()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("nob-bench-results-").FullName, "results");
        try
        {
            var report = new JsonObject { ["sizes"] = new JsonArray(), ["recordedAt"] = "2026-12-04T05:07:00Z" };

            var path = await BenchResultsFolder.SaveAsync(report, folder, new DateTimeOffset(2026, 12, 4, 5, 7, 0, TimeSpan.Zero), CancellationToken.None);

            Assert.Equal(path, BenchResultsFolder.Resolve(folder));
            Assert.True(JsonNode.DeepEquals(report, JsonNode.Parse(File.ReadAllText(path))));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    /// <summary>The recorded runs the README links to are data outside the source projects, and each still renders.</summary>
    [Fact]
    public void Text_EveryRecordedResult_OneMainTableRowPerSize()
    {
        var files = Directory.GetFiles(BenchResultsFolder.Default(Repository.Root), "*.json");
        Assert.NotEmpty(files);
        Assert.Empty(Directory.GetFiles(Repository.PathOf("cli"), "results-*.json", SearchOption.AllDirectories));
        foreach (var file in files)
        {
            var report = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var sizes = report["sizes"]!.AsArray().Select(s => (string)s!["size"]!).ToList();

            var lines = BenchReport.Text(report).Split('\n');

            var header = Array.FindIndex(lines, l => l.StartsWith("| network | brokers | build (s)", StringComparison.Ordinal));
            Assert.True(header >= 0, file);
            var rows = lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).ToList();
            Assert.Equal(sizes, rows.Select(r => r.Split('|')[1].Trim().Split(' ')[0]).ToList());
        }
    }
}
