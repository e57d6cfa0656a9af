using System.Text.RegularExpressions;
using System.Xml.Linq;
using Nob.Testing;

namespace Nob.Cli.Tests;

/// <summary>
/// The CLI's shape: its commands reach the local endpoint only through <c>Local/LocalEndpointClient</c> (which configures
/// the SDK clients from the cloud state), never by setting this process's environment; the bench's measurements stay in
/// the bench; and the project declares every project its source uses. Read from the source, comments left out.
/// </summary>
public partial class CliLayeringTests
{
    static readonly string Cli = Repository.PathOf("cli", "Nob.Cli");

    const string EndpointClientFile = "Local/LocalEndpointClient.cs";

    static IReadOnlyList<(string File, string Code)> Sources() =>
        [.. Directory.EnumerateFiles(Cli, "*.cs", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Cli, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Select(f => (f, WithoutComments(File.ReadAllText(Path.Combine(Cli, f)))))];

    static string WithoutComments(string source) => SourceCode.WithoutComments(source);

    [Fact]
    public void Sources_NoFile_SetsThisProcesssEnvironment()
    {
        var setting = Sources().Where(s => s.Code.Contains("SetEnvironmentVariable", StringComparison.Ordinal)).Select(s => s.File).ToList();

        Assert.True(Sources().Count > 20, $"found only {Sources().Count} source files under {Cli}");
        Assert.Empty(setting);
    }

    [Fact]
    public void Sources_OnlyTheEndpointClient_BuildsAwsClientsOrSignsRequests()
    {
        var building = Sources()
            .Where(s => s.File != EndpointClientFile)
            .SelectMany(s => AwsClientConstruction().Matches(s.Code).Select(m => $"{s.File}: {m.Value}"))
            .ToList();

        Assert.Matches(AwsClientConstruction(), Sources().Single(s => s.File == EndpointClientFile).Code);
        Assert.Empty(building);
    }

    [Fact]
    public void Sources_LocalCommands_UseNoBenchCode()
    {
        var local = Sources().Where(s => s.File.StartsWith("Local/", StringComparison.Ordinal)).ToList();

        var usingBench = local.Where(s => s.Code.Contains("Nob.Cli.Bench", StringComparison.Ordinal) || s.Code.Contains("NOB_BENCH", StringComparison.Ordinal)).Select(s => s.File).ToList();

        Assert.Contains(local, s => s.File == "Local/LocalCommands.cs");
        Assert.Empty(usingBench);
    }

    [Fact]
    public void Project_EveryProjectTheSourceUses_IsDeclared()
    {
        var declared = XDocument.Load(Path.Combine(Cli, "Nob.Cli.csproj")).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension((string)r.Attribute("Include")!)).ToHashSet(StringComparer.Ordinal);
        var products = Directory.EnumerateFiles(Repository.Root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}tests{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => Path.GetFileNameWithoutExtension(p)!).Where(n => n != "Nob.Cli").ToList();

        var used = Sources().SelectMany(s => products.Where(p => Regex.IsMatch(s.Code, $@"\b{Regex.Escape(p)}\.[A-Z]|using {Regex.Escape(p)};")).Select(p => (p, s.File))).ToList();
        var undeclared = used.Where(u => !declared.Contains(u.p)).Select(u => $"{u.File} uses {u.p}").Distinct().ToList();

        Assert.Contains(used, u => u.p == "Nob.Aws");
        Assert.Empty(undeclared);
    }


    // An SDK client or its configuration made here, or a signed HTTP client, or the SSM adapter.
    [GeneratedRegex(@"new\s+Amazon\w*(Client|Config)\s*\(|\bAmazon\w*(Client|Config)\s*\(|SignedHttp\.(Client|LocalCloudClient|Handler)\s*\(|new\s+(Nob\.Aws\.Adapters\.)?Ssm\w*Store\s*\(")]
    private static partial Regex AwsClientConstruction();
}
