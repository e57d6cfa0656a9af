using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nob.Cli.Bench;

/// <summary>
/// Where recorded benchmark results live: <c>bench/results/</c> at the repository root, one JSON file per run, named so that
/// ordinal order is the order they were recorded in (<c>yyyy-MM-ddTHHmmZ.json</c> for runs saved by <c>--save</c>).
/// </summary>
public static class BenchResultsFolder
{
    public static string Default(string repositoryRoot) => Path.Combine(repositoryRoot, "bench", "results");

    /// <summary>The file a <c>--report</c> argument names: the file itself, or a folder's newest results file; null if there is none.</summary>
    public static string? Resolve(string fileOrFolder)
    {
        if (File.Exists(fileOrFolder)) return fileOrFolder;
        if (!Directory.Exists(fileOrFolder)) return null;
        return Directory.GetFiles(fileOrFolder, "*.json").Order(StringComparer.Ordinal).LastOrDefault();
    }

    /// <summary>The file name a run saved at <paramref name="recordedAt"/> gets.</summary>
    public static string FileName(DateTimeOffset recordedAt) => recordedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HHmm'Z'", CultureInfo.InvariantCulture) + ".json";

    /// <summary>Writes a report into the folder (created if needed) and returns its path.</summary>
    public static async Task<string> SaveAsync(JsonObject report, string folder, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName(recordedAt));
        await File.WriteAllTextAsync(path, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken);
        return path;
    }
}
