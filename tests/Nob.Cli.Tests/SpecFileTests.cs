using Nob.Testing;

namespace Nob.Cli.Tests;

/// <summary>How up, down, drift and plan read a spec file and tell its problems: one function, one wording.</summary>
public sealed class SpecFileTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("nob-spec-file-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Write(string json)
    {
        var path = Path.Combine(folder, "spec.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task ReadAsync_ValidSpec_ItsTextAndSpecNothingPrinted()
    {
        var path = Write(Repository.Example("tutorial"));
        using var stderr = new StringWriter();

        var read = await SpecFile.ReadAsync(path, stderr, "nothing was created", CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(Repository.Example("tutorial"), read.Json);
        Assert.Equal("tutorial", read.Spec.NetworkName);
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public async Task ReadAsync_InvalidSpecWithConsequence_HeadingSaysItThenOneLineEach()
    {
        var path = Write("""{"networkName": "", "brokers": []}""");
        using var stderr = new StringWriter();

        var read = await SpecFile.ReadAsync(path, stderr, "nothing was created", CancellationToken.None);

        Assert.Null(read);
        var lines = stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(path)}: \d+ problem\(s\); nothing was created:$", lines[0]);
        Assert.True(lines.Length > 1);
        Assert.All(lines.Skip(1), l => Assert.StartsWith("  ", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_InvalidSpecWithoutConsequence_CoresWording()
    {
        var path = Write("""{"networkName": "", "brokers": []}""");
        using var stderr = new StringWriter();

        Assert.Null(await SpecFile.ReadAsync(path, stderr, null, CancellationToken.None));

        var errors = Nob.Core.Specs.SpecReader.Read(File.ReadAllText(path)).Errors;
        Assert.Equal(string.Join(Environment.NewLine, Nob.Core.Specs.SpecErrorText.Lines(path, errors)) + Environment.NewLine, stderr.ToString());
    }
}
