using System.Text.Json;
using System.Xml.Linq;
using System.Xml.XPath;
using YamlDotNet.RepresentationModel;

namespace Nob.Functions.Tests;

/// <summary>
/// How `sam build` packages the functions, read from the sources of the tools it runs: aws-lambda-builders'
/// dotnet workflow (aws_lambda_builders/workflows/dotnet_clipackage/actions.py, RunPackageAction) runs, in the CodeUri
/// folder, `dotnet lambda package --output-package … --function-architecture arm64 --msbuild-parameters "--runtime
/// linux-arm64"` (plus `--configuration Debug` only in debug mode), and Amazon.Lambda.Tools (aws/aws-extensions-for-dotnet-cli)
/// takes the framework from its --framework option (not given), then aws-lambda-tools-defaults.json's "framework", then
/// the project (Commands/PackageCommand.cs); the package command is not interactive, so a framework found nowhere
/// fails the build ("Missing required parameter: --framework"). Read at aws-extensions-for-dotnet-cli e3b14c3 and
/// aws-lambda-builders cd41bcf.
/// </summary>
public sealed class LambdaPackagingTests
{
    /// <summary>What aws-lambda-builders passes for an arm64 function (RunPackageAction.execute, _get_runtime).</summary>
    public const string SamMsbuildParameters = "--runtime linux-arm64";

    public static string ProjectDirectory => Repo.PathOf("functions", "Nob.Functions");

    static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;

    static YamlMappingNode GlobalsFunction() => (YamlMappingNode)((YamlMappingNode)Repo.Template()["Globals"])["Function"];

    /// <summary>Amazon.Lambda.Tools' map from Lambda runtime to target framework (LambdaUtilities._lambdaRuntimeToDotnetFramework).</summary>
    static readonly IReadOnlyDictionary<string, string> LambdaRuntimeToFramework = new Dictionary<string, string>
    {
        ["dotnet10"] = "net10.0",
        ["dotnet8"] = "net8.0",
        ["dotnet6"] = "net6.0",
    };

    // ---- a port of Amazon.Lambda.Tools' lookup (src/Amazon.Common.DotNetCli.Tools/Utilities.cs) ----

    /// <summary>Utilities.FindProjectFileInDirectory: the single *.csproj (then *.fsproj, *.vbproj) of the folder.</summary>
    static string? FindProjectFileInDirectory(string directory)
    {
        if (File.Exists(directory)) return directory;
        foreach (var pattern in new[] { "*.csproj", "*.fsproj", "*.vbproj" })
        {
            var files = Directory.GetFiles(directory, pattern, SearchOption.TopDirectoryOnly);
            if (files.Length == 1) return files[0];
        }
        return null;
    }

    /// <summary>
    /// Utilities.LookupProjectProperties: `dotnet msbuild PROJECT -nologo --getProperty:A,B MSBUILDPARAMETERS` (the
    /// parameters appended to one argument string, so split on spaces), its JSON when it exits 0, else the values of
    /// `//PropertyGroup/NAME` in the project file's XML (Utilities.LookupProjectPropertiesFromXml).
    /// </summary>
    internal static async Task<(Dictionary<string, string> Properties, string Source)> LookupProjectPropertiesAsync(string projectLocation, string? msBuildParameters, params string[] propertyNames)
    {
        var projectFile = FindProjectFileInDirectory(projectLocation) ?? throw new InvalidOperationException($"no project file in {projectLocation}");
        var arguments = new List<string> { "msbuild", projectFile, "-nologo", $"--getProperty:{string.Join(",", propertyNames)}" };
        if (!string.IsNullOrEmpty(msBuildParameters)) arguments.AddRange(msBuildParameters.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var result = await Tools.RunAsync("dotnet", arguments, Repo.Root, TimeSpan.FromMinutes(3));
        if (result.ExitCode == 0)
        {
            var output = result.StandardOutput.Trim();
            if (propertyNames.Length == 1) return (new Dictionary<string, string> { [propertyNames[0]] = output }, "msbuild");
            var properties = new Dictionary<string, string>();
            using var document = JsonDocument.Parse(output);
            var values = document.RootElement.GetProperty("Properties");
            foreach (var name in propertyNames)
                if (values.TryGetProperty(name, out var value)) properties[name] = value.GetString()!;
            return (properties, "msbuild");
        }

        var fromXml = new Dictionary<string, string>();
        var xml = XDocument.Load(projectFile);
        foreach (var name in propertyNames)
        {
            var element = xml.XPathSelectElement($"//PropertyGroup/{name}");
            if (element is not null && !string.IsNullOrWhiteSpace(element.Value)) fromXml[name] = element.Value;
        }
        return (fromXml, $"project XML (msbuild exited {result.ExitCode}: {FirstLine(result.Output)})");
    }

    static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";

    /// <summary>Utilities.LookupTargetFrameworkFromProjectFile: TargetFramework, else a single TargetFrameworks entry.</summary>
    internal static async Task<(string? Framework, string Source)> LookupTargetFrameworkFromProjectFileAsync(string projectLocation, string? msBuildParameters)
    {
        var (properties, source) = await LookupProjectPropertiesAsync(projectLocation, msBuildParameters, "TargetFramework", "TargetFrameworks");
        if (properties.TryGetValue("TargetFramework", out var framework) && !string.IsNullOrEmpty(framework)) return (framework, source);
        if (properties.TryGetValue("TargetFrameworks", out var frameworks) && !string.IsNullOrEmpty(frameworks))
        {
            var list = frameworks.Split(';');
            return (list.Length > 1 ? null : list[0], source);
        }
        return (null, source);
    }

    /// <summary>aws-lambda-tools-defaults.json of the project folder, as DefaultConfigFile reads it (keys are the switches without "--").</summary>
    internal static JsonElement? LambdaToolsDefaults()
    {
        var path = Path.Combine(ProjectDirectory, "aws-lambda-tools-defaults.json");
        if (!File.Exists(path)) return null;
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.Clone();
    }

    static string? DefaultString(string key) =>
        LambdaToolsDefaults() is { } defaults && defaults.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>PackageCommand.PerformActionAsync: the --framework option (sam build passes none), the defaults file, the project.</summary>
    internal static async Task<(string? Framework, string Source)> PackageTargetFrameworkAsync()
    {
        var fromDefaults = DefaultString("framework");
        if (!string.IsNullOrEmpty(fromDefaults)) return (fromDefaults, "aws-lambda-tools-defaults.json");
        return await LookupTargetFrameworkFromProjectFileAsync(ProjectDirectory, SamMsbuildParameters);
    }

    /// <summary>The configuration: --configuration (sam build passes it only in debug mode), the defaults file, else "Release" (LambdaConstants.DEFAULT_BUILD_CONFIGURATION).</summary>
    internal static string PackageConfiguration() => DefaultString("configuration") is { Length: > 0 } configured ? configured : "Release";

    // ---- tests ----

    [Fact]
    public async Task PackageTargetFramework_AsSamBuildRunsAmazonLambdaTools_IsTheTemplateRuntimesFramework()
    {
        var runtime = Scalar(GlobalsFunction()["Runtime"]);
        Assert.True(LambdaRuntimeToFramework.TryGetValue(runtime, out var expected), $"template runtime {runtime} is not a .NET Lambda runtime Amazon.Lambda.Tools knows");

        var (framework, source) = await PackageTargetFrameworkAsync();

        Assert.True(framework == expected, $"Amazon.Lambda.Tools would package for {framework ?? "(none: the build fails)"} (from {source}); the template's runtime {runtime} needs {expected}");
    }

    [Fact]
    public async Task ProjectLookup_WithSamsMsbuildParameters_FindsTheFrameworkMsbuildBuildsWith()
    {
        // Without the defaults file Amazon.Lambda.Tools asks the project, with sam build's MSBuild parameters.
        var (framework, source) = await LookupTargetFrameworkFromProjectFileAsync(ProjectDirectory, SamMsbuildParameters);
        var (evaluated, _) = await LookupProjectPropertiesAsync(ProjectDirectory, null, "TargetFramework");

        Assert.False(string.IsNullOrEmpty(framework), $"Amazon.Lambda.Tools finds no target framework in the project (looked in: {source})");
        Assert.Equal(evaluated["TargetFramework"], framework);
    }

    [Fact]
    public void LambdaToolsDefaults_ArchitectureAndConfiguration_AreTheTemplatesAndRelease()
    {
        Assert.True(LambdaToolsDefaults().HasValue, "functions/Nob.Functions/aws-lambda-tools-defaults.json is missing");
        var architectures = ((YamlSequenceNode)GlobalsFunction()["Architectures"]).Children.Select(Scalar).ToList();
        var functions = Repo.ResourcesOfType("AWS::Serverless::Function").ToList();
        Assert.All(functions, f => Assert.False(f.Properties.Children.ContainsKey("Architectures"), $"{f.Name} overrides Architectures: one CodeUri is built once, for one architecture"));

        Assert.Equal(architectures, [DefaultString("function-architecture")!]);
        Assert.Equal("Release", PackageConfiguration());
        Assert.Equal(Scalar(GlobalsFunction()["Runtime"]), DefaultString("function-runtime"));
    }

    [Fact]
    public async Task BuildOutput_ForSamsRuntime_IsUnderTheFolderAmazonLambdaToolsReadsAfterPublishing()
    {
        // LambdaPackager.CreateApplicationBundle lists *.deps.json in Utilities.DetermineBuildLocation,
        // PROJECT/bin/CONFIGURATION/FRAMEWORK, after the publish: a build output elsewhere (an artifacts layout, an
        // OutputPath of its own) makes that folder missing and the package fail.
        var (framework, _) = await PackageTargetFrameworkAsync();
        var configuration = PackageConfiguration();
        var (properties, source) = await LookupProjectPropertiesAsync(ProjectDirectory, $"-p:Configuration={configuration} -p:RuntimeIdentifier=linux-arm64 -p:TargetFramework={framework}", "OutputPath", "PublishReadyToRun");
        Assert.True(source == "msbuild", source);

        var buildLocation = Path.Combine(ProjectDirectory, "bin", configuration, framework!);
        // MSBuild on Linux reads a backslash in a path as a separator.
        var outputPath = Path.GetFullPath(Path.Combine(ProjectDirectory, properties["OutputPath"].Replace('\\', '/')));
        Assert.True(outputPath.StartsWith(buildLocation + Path.DirectorySeparatorChar, StringComparison.Ordinal), $"the build output {outputPath} is not under {buildLocation}");
        Assert.Equal("true", properties["PublishReadyToRun"]);
    }

    [Fact]
    public void Template_CodeUri_IsTheProjectFolderAmazonLambdaToolsFindsTheProjectIn()
    {
        var codeUri = Scalar(GlobalsFunction()["CodeUri"]).TrimEnd('/');
        var folder = Repo.PathOf(codeUri.Split('/'));

        Assert.Equal(Path.GetFullPath(ProjectDirectory), Path.GetFullPath(folder));
        Assert.NotNull(FindProjectFileInDirectory(folder));
    }
}
