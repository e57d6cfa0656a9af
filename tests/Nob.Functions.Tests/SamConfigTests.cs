using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Nob.Functions.Tests;

/// <summary>
/// samconfig.toml, template.yaml and the README's `sam` commands agree, read as SAM CLI reads them. The rule for
/// parameters without a default: every `sam deploy` the README shows for an environment gets each of them from that
/// environment's parameter_overrides, from its own --parameter-overrides, or from a `sam deploy --guided` for that
/// environment shown before it (guided asks for every parameter and saves the answers in samconfig.toml).
/// </summary>
public sealed partial class SamConfigTests
{
    static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;

    /// <summary>samconfig.toml as JSON, parsed by Python's tomllib (a real TOML parser; SAM CLI reads it with tomlkit).</summary>
    static async Task<JsonElement> SamConfigAsync()
    {
        var problem = await Tools.EnsurePythonModulesAsync();
        Assert.True(problem is null, problem);
        var result = await Tools.PythonAsync(["-c", "import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], 'rb'))))", Repo.PathOf("samconfig.toml")], TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"samconfig.toml is not valid TOML: {result.StandardError}");
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.Clone();
    }

    static IEnumerable<(string Env, string Command, JsonElement Parameters)> Sections(JsonElement config) =>
        from env in config.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object)
        from command in env.Value.EnumerateObject()
        where command.Value.TryGetProperty("parameters", out _)
        select (env.Name, command.Name, command.Value.GetProperty("parameters"));

    static Dictionary<string, string> DeployOverrides(JsonElement config, string env) =>
        config.TryGetProperty(env, out var e) && e.TryGetProperty("deploy", out var deploy) && deploy.GetProperty("parameters").TryGetProperty("parameter_overrides", out var overrides)
            ? ParseParameterOverrides(overrides.GetString()!)
            : [];

    static Dictionary<string, YamlMappingNode> TemplateParameters() =>
        ((YamlMappingNode)Repo.Template()["Parameters"]).Children.ToDictionary(p => Scalar(p.Key), p => (YamlMappingNode)p.Value);

    static HashSet<string> RequiredParameters() =>
        TemplateParameters().Where(p => !p.Value.Children.ContainsKey("Default")).Select(p => p.Key).ToHashSet();

    // ---- SAM CLI's parameter_overrides syntax: a port of CfnParameterOverridesType (samcli/cli/types.py, aws-sam-cli
    // fe8f8db). A --parameter-overrides on the command line replaces samconfig.toml's value (click's default_map,
    // samcli/cli/cli_config_file.py); the two are not merged. ----

    // PARAM_AND_METADATA_KEY_REGEX, and _generate_match_regex(match_pattern=".", delim=" ").
    const string KeyPattern = """([A-Za-z0-9"']+)""";
    const string ValuePattern = """("(?:\\.|[^"\\]+)*"|'(?:\\.|[^'\\]+)*'|(?:\\.|[^ "\\]+)+)""";

    [GeneratedRegex("(?:ParameterKey=" + KeyPattern + ",ParameterValue=" + ValuePattern + ")")]
    private static partial Regex LongForm();

    [GeneratedRegex("(?:(?: )" + KeyPattern + "=" + ValuePattern + ")")]
    private static partial Regex ShortForm();

    /// <summary>_unquote_wrapped_quotes.</summary>
    static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == value[^1] && value[0] is '"' or '\'') value = value[1..^1];
        return value.Replace("\\ ", " ").Replace("\\\"", "\"").Replace("\\'", "'");
    }

    internal static Dictionary<string, string> ParseParameterOverrides(string value)
    {
        var normalized = " " + value.Trim();
        foreach (var pattern in new[] { LongForm(), ShortForm() })
        {
            var matches = pattern.Matches(normalized);
            if (matches.Count > 0) return matches.ToDictionary(m => m.Groups[1].Value, m => Unquote(m.Groups[2].Value));
        }
        throw new FormatException($"{value} is not in SAM's parameter_overrides format");
    }

    // ---- the README's sam commands ----

    internal sealed record SamCommand(int Line, IReadOnlyList<string> Words)
    {
        public string Subcommand => Words.Count > 1 ? Words[1] : "";

        public string? Option(string name)
        {
            var i = Words.ToList().IndexOf(name);
            return i >= 0 && i + 1 < Words.Count ? Words[i + 1] : null;
        }

        public bool Has(string name) => Words.Contains(name);

        public string Env => Option("--config-env") ?? "default";

        public override string ToString() => $"README.md:{Line}: {string.Join(' ', Words)}";
    }

    /// <summary>Splits a shell command into words as sh does for what the README uses: quotes, backslashes, comments.</summary>
    internal static List<string> ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\'' )
            {
                var end = line.IndexOf('\'', i + 1);
                if (end < 0) throw new FormatException($"unclosed quote in: {line}");
                word.Append(line, i + 1, end - i - 1);
                i = end;
                inWord = true;
            }
            else if (c == '"')
            {
                for (i++; i < line.Length && line[i] != '"'; i++)
                {
                    if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`') i++;
                    word.Append(line[i]);
                }
                if (i >= line.Length) throw new FormatException($"unclosed quote in: {line}");
                inWord = true;
            }
            else if (c == '\\' && i + 1 < line.Length) { word.Append(line[++i]); inWord = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else if (c == '#' && !inWord) break;
            else { word.Append(c); inWord = true; }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    [GeneratedRegex(@"`(sam [^`]+)`")]
    private static partial Regex InlineSamCommand();

    /// <summary>Every `sam …` command of README.md: lines of its sh blocks (continuations joined) and inline code.</summary>
    internal static List<SamCommand> ReadmeSamCommands()
    {
        var lines = File.ReadAllLines(Repo.PathOf("README.md"));
        var commands = new List<SamCommand>();
        var inShell = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("```", StringComparison.Ordinal)) { inShell = !inShell && line.Trim() is "```sh" or "```bash" or "```shell"; continue; }
            if (inShell)
            {
                var start = i;
                var text = line;
                while (text.EndsWith('\\') && i + 1 < lines.Length) text = text[..^1] + " " + lines[++i];
                var words = ShellWords(text);
                if (words.Count > 0 && words[0] == "sam") commands.Add(new SamCommand(start + 1, words));
            }
            else
            {
                foreach (Match match in InlineSamCommand().Matches(line))
                    commands.Add(new SamCommand(i + 1, ShellWords(match.Groups[1].Value)));
            }
        }
        return commands;
    }

    // ---- tests ----

    [Fact]
    public async Task SamConfig_NoEnvironment_CachesBuilds()
    {
        var config = await SamConfigAsync();
        var builds = Sections(config).Where(s => s.Command == "build").ToList();
        Assert.NotEmpty(builds);
        foreach (var (env, _, parameters) in builds)
            Assert.False(parameters.TryGetProperty("cached", out var cached) && cached.ValueKind == JsonValueKind.True,
                $"[{env}.build.parameters] sets cached = true: SAM hashes only the CodeUri folder, so changes in the projects beside it would deploy stale code");
    }

    [Fact]
    public async Task SamConfig_EveryParameterOverride_IsATemplateParameterWithAnAllowedValue()
    {
        var config = await SamConfigAsync();
        var parameters = TemplateParameters();
        var deploys = Sections(config).Where(s => s.Command == "deploy").ToList();
        Assert.NotEmpty(deploys);
        foreach (var (env, _, _) in deploys)
        {
            foreach (var (key, value) in DeployOverrides(config, env))
            {
                Assert.True(parameters.TryGetValue(key, out var parameter), $"[{env}.deploy.parameters] overrides {key}, which template.yaml does not declare");
                if (parameter!.Children.TryGetValue("AllowedValues", out var allowed))
                    Assert.Contains(value, ((YamlSequenceNode)allowed).Children.Select(Scalar));
                if (parameter.Children.TryGetValue("AllowedPattern", out var pattern))
                    Assert.Matches(Scalar(pattern), value);
            }
        }
    }

    [Fact]
    public async Task ReadmeDeployCommands_EveryParameterWithoutDefault_IsGivenOrAskedForFirst()
    {
        var config = await SamConfigAsync();
        var required = RequiredParameters();
        var deploys = ReadmeSamCommands().Where(c => c.Subcommand == "deploy").ToList();
        var envs = Sections(config).Where(s => s.Command == "deploy").Select(s => s.Env).ToList();
        foreach (var env in envs)
            Assert.True(deploys.Any(d => d.Env == env), $"README.md shows no sam deploy for samconfig.toml's {env} environment");

        foreach (var command in deploys)
        {
            if (command.Has("--guided")) continue;
            var given = DeployOverrides(config, command.Env).Keys.ToHashSet();
            if (command.Option("--parameter-overrides") is { } overrides) given = ParseParameterOverrides(overrides).Keys.ToHashSet();
            var missing = required.Except(given).Order(StringComparer.Ordinal).ToList();
            var guidedBefore = deploys.Any(d => d.Has("--guided") && d.Env == command.Env && d.Line < command.Line);
            Assert.True(missing.Count == 0 || guidedBefore,
                $"{command}: CloudFormation gets no value for {string.Join(", ", missing)} (no default, not in samconfig.toml's {command.Env} overrides, no --guided run shown before)");
        }
    }

    [Fact]
    public async Task ReadmeSamCommands_UseEnvironmentsAndParametersThatExist()
    {
        var config = await SamConfigAsync();
        var envs = config.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object).Select(p => p.Name).ToHashSet();
        var parameters = TemplateParameters();
        var commands = ReadmeSamCommands();
        Assert.Contains(commands, c => c.Subcommand == "build");
        Assert.Contains(commands, c => c.Subcommand == "deploy");
        foreach (var command in commands)
        {
            Assert.True(command.Subcommand is "build" or "deploy" or "delete" or "validate" or "logs" or "sync" or "local" or "package" or "list", $"{command}: not a sam command");
            Assert.True(envs.Contains(command.Env), $"{command}: samconfig.toml has no {command.Env} environment");
            if (command.Option("--parameter-overrides") is not { } overrides) continue;
            var given = ParseParameterOverrides(overrides);
            foreach (var key in given.Keys)
                Assert.True(parameters.ContainsKey(key), $"{command}: {key} is not a template parameter");
            // The option replaces samconfig.toml's parameter_overrides as a whole: the environment's own must be repeated.
            foreach (var (key, value) in DeployOverrides(config, command.Env))
                Assert.True(given.TryGetValue(key, out var passed) && passed == value, $"{command}: drops samconfig.toml's {command.Env} override {key}={value}");
        }
    }

    [Fact]
    public async Task SamConfig_Capabilities_CoverTheTemplatesIamResources()
    {
        var config = await SamConfigAsync();
        var named = Repo.Resources().Children.Values.Cast<YamlMappingNode>()
            .Any(r => Scalar(r["Type"]).StartsWith("AWS::IAM::", StringComparison.Ordinal) && r.Children.TryGetValue("Properties", out var p)
                      && ((YamlMappingNode)p).Children.Keys.Select(Scalar).Any(k => k is "RoleName" or "PolicyName" or "UserName" or "GroupName" or "ManagedPolicyName" or "InstanceProfileName"));
        foreach (var (env, _, parameters) in Sections(config).Where(s => s.Command == "deploy"))
        {
            var capabilities = parameters.GetProperty("capabilities").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(named ? "CAPABILITY_NAMED_IAM" : "CAPABILITY_IAM", capabilities);
        }
    }

    [Theory]
    [InlineData("PasswordParameterPath=\"/nob/*\" LogLevel=\"INFO\"", "PasswordParameterPath", "/nob/*")]
    [InlineData("A=1 VerifierSubnetIds=subnet-1,subnet-2", "VerifierSubnetIds", "subnet-1,subnet-2")]
    [InlineData("ParameterKey=VpcId,ParameterValue=vpc-1 ParameterKey=B,ParameterValue=2", "VpcId", "vpc-1")]
    public void ParseParameterOverrides_SamsFormats_GiveTheValue(string overrides, string key, string expected) =>
        Assert.Equal(expected, ParseParameterOverrides(overrides)[key]);

    [Fact]
    public void ShellWords_QuotesAndComments_SplitAsShDoes() =>
        Assert.Equal(["sam", "deploy", "--parameter-overrides", "A=/x/* B=\"c\"", "--guided"], ShellWords("sam deploy --parameter-overrides 'A=/x/* B=\"c\"' --guided   # a comment"));
}
