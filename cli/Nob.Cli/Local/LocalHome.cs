using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Nob.LocalBrokers;

namespace Nob.Cli.Local;

/// <summary>
/// Where local mode keeps its state: <c>NOB_HOME</c>, else <c>.nob/home</c> in the repository. nob writes its marker
/// (<see cref="MarkerFileName"/>) into a home it creates or finds empty, and writes into or deletes from no folder that
/// has content but no marker; in its home it only ever deletes the entries it makes (<see cref="OwnEntries"/>).
/// </summary>
public sealed class LocalHome(string root)
{
    /// <summary>The file that says a folder is a nob home (JSON: its format, and whether nob created the folder).</summary>
    public const string MarkerFileName = ".nob-home";

    /// <summary>The marker's format this nob writes and understands.</summary>
    public const int MarkerFormat = 1;

    const string CloudDataName = "cloud";
    const string CloudStateName = "cloud.json";
    const string CloudLogName = "cloud.log";
    const string CloudLockName = "cloud.lock";
    const string EventsName = "events.jsonl";

    /// <summary>The names nob makes directly in its home; <see cref="RemoveOwnEntries"/> deletes these and nothing else.</summary>
    public static IReadOnlyList<string> OwnEntries { get; } =
        [MarkerFileName, CloudDataName, CloudStateName, CloudStateName + PrivateFiles.StagingSuffix, CloudLogName, CloudLockName, EventsName];

    public string Root { get; } = root;
    public string MarkerFile => Path.Combine(Root, MarkerFileName);
    public string CloudData => Path.Combine(Root, CloudDataName);
    public string CloudStateFile => Path.Combine(Root, CloudStateName);
    public string CloudLog => Path.Combine(Root, CloudLogName);
    public string CloudLock => Path.Combine(Root, CloudLockName);
    public string EventsFile => Path.Combine(Root, EventsName);

    public static LocalHome FromEnvironment() =>
        new(Environment.GetEnvironmentVariable("NOB_HOME") is { Length: > 0 } home ? Path.GetFullPath(home) : Path.Combine(RepositoryRoot(), ".nob", "home"));

    /// <summary>The repository (for template.yaml and the state machines): <c>NOB_REPO</c>, else the folder above this program holding template.yaml.</summary>
    public static string RepositoryRoot()
    {
        if (Environment.GetEnvironmentVariable("NOB_REPO") is { Length: > 0 } repo) return Path.GetFullPath(repo);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "template.yaml")) && Directory.Exists(Path.Combine(dir.FullName, "statemachine"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository (template.yaml); set NOB_REPO");
    }

    /// <summary>What the folder is to nob.</summary>
    public HomeKind Kind()
    {
        if (!Directory.Exists(Root)) return HomeKind.Missing;
        if (File.Exists(MarkerFile)) return ReadMarkerFormat() == MarkerFormat ? HomeKind.Marked : HomeKind.OtherFormat;
        var entries = Directory.EnumerateFileSystemEntries(Root).Select(Path.GetFileName).ToList();
        if (entries.Count == 0) return HomeKind.Empty;
        // A home made by a nob from before the marker: nothing but nob's names, and nob's own state among them.
        if (entries.All(e => OwnEntries.Contains(e)) && (File.Exists(CloudStateFile) || File.Exists(Path.Combine(CloudData, "secret.key")))) return HomeKind.Unmarked;
        return HomeKind.Foreign;
    }

    /// <summary>
    /// Makes sure nob may write here: creates the home (0700) with its marker, marks an empty folder or a home of an earlier
    /// nob, accepts a marked one. Throws <see cref="ForeignHomeException"/> (having changed nothing) for anything else.
    /// </summary>
    public void Claim()
    {
        switch (Kind())
        {
            case HomeKind.Marked:
                return;
            case HomeKind.Missing:
                PrivateFiles.CreateFolder(Root);
                WriteMarker(createdFolder: true);
                return;
            case HomeKind.Empty or HomeKind.Unmarked:
                WriteMarker(createdFolder: false);
                return;
            case var kind:
                throw Refusal(kind, "write into");
        }
    }

    /// <summary>Why nob will not write into or delete from this folder, for <see cref="HomeKind.Foreign"/> and <see cref="HomeKind.OtherFormat"/>.</summary>
    public ForeignHomeException Refusal(HomeKind kind, string action) => new(kind == HomeKind.OtherFormat
        ? $"{Root} has a {MarkerFileName} marker this nob does not understand (it knows format {MarkerFormat}); nob does not {action} it. "
          + "Use the nob that made it, or point NOB_HOME at a new or empty folder. Nothing was changed."
        : $"{Root} is not a nob home: it exists, is not empty and has no {MarkerFileName} marker, so nob neither writes into it nor deletes "
          + "from it. Nothing was changed. Point NOB_HOME at a new or empty folder (or unset it for the default .nob/home in the repository).");

    /// <summary>
    /// Deletes nob's own entries (<see cref="OwnEntries"/>; in <see cref="CloudData"/> only what the local endpoint makes)
    /// and nothing else. The marker stays while anything else is left (the folder is still nob's home, with the user's
    /// files in it); the folder goes too when nob created it and nothing is left. Returns the entries left that nob did
    /// not make, relative to <see cref="Root"/>. The endpoint must be stopped.
    /// </summary>
    public IReadOnlyList<string> RemoveOwnEntries()
    {
        var createdFolder = ReadMarker()?["createdFolder"]?.GetValue<bool>() == true;
        var left = LocalCloud.LocalCloud.RemoveData(CloudData, withTls: true).Select(e => Path.Combine(CloudDataName, e)).ToList();
        foreach (var entry in OwnEntries.Where(e => e is not CloudDataName and not MarkerFileName))
        {
            var path = Path.Combine(Root, entry);
            if (File.Exists(path)) File.Delete(path);
        }
        left.AddRange(Directory.EnumerateFileSystemEntries(Root).Select(Path.GetFileName).Where(e => !OwnEntries.Contains(e))!);
        // The marker last, and only when nothing else is left: a removal that fails halfway, or the user's files, leave a
        // home nob still recognises, so `nob up` and `nob down` go on working there.
        if (left.Count == 0 && File.Exists(MarkerFile)) File.Delete(MarkerFile);
        if (createdFolder && !Directory.EnumerateFileSystemEntries(Root).Any()) Directory.Delete(Root);
        return [.. left.Distinct().Order(StringComparer.Ordinal)];
    }

    void WriteMarker(bool createdFolder) =>
        PrivateFiles.WriteAllText(MarkerFile, new JsonObject
        {
            ["format"] = MarkerFormat,
            ["createdFolder"] = createdFolder,
            ["note"] = "local state of nob (NOB_HOME): nob down removes what nob made here and nothing else",
        }.ToJsonString() + "\n");

    JsonObject? ReadMarker()
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(MarkerFile)) as JsonObject;
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException)
        {
            return null;
        }
    }

    int? ReadMarkerFormat()
    {
        try
        {
            return ReadMarker()?["format"]?.GetValue<int>();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    public CloudState? ReadCloudState()
    {
        try
        {
            return File.Exists(CloudStateFile) ? JsonSerializer.Deserialize(File.ReadAllText(CloudStateFile), CliJson.Default.CloudState) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void WriteCloudState(CloudState state) =>
        PrivateFiles.WriteAllText(CloudStateFile, JsonSerializer.Serialize(state, CliJson.Default.CloudState));
}

/// <summary>What a folder is to nob (<see cref="LocalHome.Kind"/>).</summary>
public enum HomeKind
{
    /// <summary>It does not exist: nob creates it.</summary>
    Missing,

    /// <summary>It exists and is empty: nob marks it.</summary>
    Empty,

    /// <summary>It has nob's marker.</summary>
    Marked,

    /// <summary>Made by a nob from before the marker (only nob's entries, nob's state among them): nob marks it.</summary>
    Unmarked,

    /// <summary>It has content and no marker: nob neither writes into it nor deletes from it.</summary>
    Foreign,

    /// <summary>Its marker is of a format this nob does not know.</summary>
    OtherFormat,
}

/// <summary>NOB_HOME names a folder nob did not make: nothing is written or deleted there (exit 2).</summary>
public sealed class ForeignHomeException(string message) : Exception(message);

/// <summary>
/// What a running <c>nob cloud</c> publishes for other nob commands, in a 0600 file: <see cref="Environment"/> holds the
/// endpoint's access key (every request to it is signed with it); the stores' password stays in its own file.
/// The endpoint's process is <see cref="Pid"/> only while its start time and command line are still these.
/// </summary>
public sealed record CloudState(
    int Pid,
    string Endpoint,
    string Region,
    string CertificatePem,
    string TrustStore,
    string TrustStorePasswordFile,
    IReadOnlyDictionary<string, string> Environment,
    long StartTime = 0,
    string? CommandLine = null,
    string? ApiUrl = null)
{
    /// <summary>The endpoint's process as recorded; null when the file does not say (written by an earlier nob).</summary>
    [JsonIgnore]
    public ProcessIdentity? Process => StartTime > 0 && CommandLine is { Length: > 0 } line ? new ProcessIdentity(Pid, StartTime, line) : null;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(CloudState))]
internal sealed partial class CliJson : JsonSerializerContext;
