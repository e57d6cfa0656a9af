namespace Nob.LocalMode.Tests;

/// <summary>An invalid spec with no endpoint running: nothing may be started or written. No JVM is involved.</summary>
public sealed class InvalidSpecTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("nob-localmode-invalid-").FullName;

    string Home => Path.Combine(root, "home");

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Up_InvalidSpecWithNoEndpoint_ExitsTwoPrintsEveryErrorAndStartsNothing()
    {
        var spec = Specs.Write(Path.Combine(root, "specs"), "invalid", Specs.Invalid);

        var run = await NobProcess.RunAsync(Home, "LocalModeInvalidSpec1", TimeSpan.FromMinutes(1), "up", spec, "--json");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{spec}: 3 problem(s); nothing was created:", run.Stderr, StringComparison.Ordinal);
        foreach (var path in Specs.InvalidErrorPaths) Assert.Contains(path, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Specs.PasswordInSpec, run.Stderr + run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout.Trim());
        Assert.False(File.Exists(Path.Combine(Home, "cloud.json")), "an invalid spec wrote cloud.json (started the endpoint)");
        Assert.False(Directory.Exists(Home), $"an invalid spec created NOB_HOME {Home}");
        Assert.Empty(LeftoverProcesses.Referencing(Home));
    }

    [Fact]
    public async Task Up_SpecThatIsNotJson_ExitsTwoAndStartsNothing()
    {
        var spec = Specs.Write(Path.Combine(root, "specs"), "broken", """{ "networkName": "broken", """);

        var run = await NobProcess.RunAsync(Home, "LocalModeInvalidSpec1", TimeSpan.FromMinutes(1), "up", spec);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("not valid JSON", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Home), $"an invalid spec created NOB_HOME {Home}");
        Assert.Empty(LeftoverProcesses.Referencing(Home));
    }
}
