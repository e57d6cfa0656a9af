using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nob.Cli.Local;

/// <summary>Where local mode keeps its state: <c>NOB_HOME</c>, else <c>.nob/home</c> in the repository.</summary>
public sealed class LocalHome(string root)
{
    public string Root { get; } = root;
    public string CloudData => Path.Combine(Root, "cloud");
    public string CloudStateFile => Path.Combine(Root, "cloud.json");
    public string CloudLog => Path.Combine(Root, "cloud.log");

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

    public void WriteCloudState(CloudState state)
    {
        Directory.CreateDirectory(Root);
        var temp = CloudStateFile + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(state, CliJson.Default.CloudState));
        File.Move(temp, CloudStateFile, overwrite: true);
    }
}

/// <summary>What a running <c>nob cloud</c> publishes for other nob commands. No secret: the store password stays in its file.</summary>
public sealed record CloudState(
    int Pid,
    string Endpoint,
    string Region,
    string CertificatePem,
    string TrustStore,
    string TrustStorePasswordFile,
    IReadOnlyDictionary<string, string> Environment);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(CloudState))]
internal sealed partial class CliJson : JsonSerializerContext;
