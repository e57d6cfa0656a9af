using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Nob.Functions.Tests;

/// <summary>
/// Publishes functions/Nob.Functions once, with the `dotnet publish` arguments Amazon.Lambda.Tools builds for sam build
/// (what the deployment zip holds), into a temporary folder.
/// </summary>
public sealed class PublishedPackage : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "nob-lambda-package-" + Guid.NewGuid().ToString("N"));

    public IReadOnlyList<string> Arguments { get; private set; } = [];

    /// <summary>
    /// LambdaDotNetCLIWrapper.GetPublishArguments (aws/aws-extensions-for-dotnet-cli, src/Amazon.Lambda.Tools) for sam
    /// build's inputs: the project, --output, --configuration, --framework, the MSBuild parameters as given
    /// ("--runtime linux-arm64", so it adds no --runtime of its own), /p:GenerateRuntimeConfigurationFiles=true and,
    /// as no --self-contained is given and the project sets no SelfContained, `--self-contained False` (not Native AOT).
    /// </summary>
    public static List<string> PublishArguments(string project, string output, string configuration, string framework, string msbuildParameters) =>
    [
        "publish", project, "--output", output, "--configuration", configuration, "--framework", framework,
        .. msbuildParameters.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        "/p:GenerateRuntimeConfigurationFiles=true", "--self-contained", "False",
    ];

    public async Task InitializeAsync()
    {
        var (framework, source) = await LambdaPackagingTests.PackageTargetFrameworkAsync();
        if (string.IsNullOrEmpty(framework)) throw new InvalidOperationException($"no target framework for the package ({source})");
        Arguments = PublishArguments(LambdaPackagingTests.ProjectDirectory, Directory, LambdaPackagingTests.PackageConfiguration(), framework, LambdaPackagingTests.SamMsbuildParameters);
        // One argument beyond Amazon.Lambda.Tools': bin and obj of the test's own (kept between runs, so a rerun is
        // incremental). sam build publishes in place; here a restore for linux-arm64 and the rebuild it can cause must
        // not touch the solution's bin/obj while other test processes run from them.
        var artifacts = Path.Combine(AppContext.BaseDirectory, "lambda-package-artifacts");
        var result = await Tools.RunAsync("dotnet", [.. Arguments, "--artifacts-path", artifacts, "-nologo"], LambdaPackagingTests.ProjectDirectory, TimeSpan.FromMinutes(9));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', Arguments)} failed ({result.ExitCode}):\n{result.Output}");
    }

    public Task DisposeAsync()
    {
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PublishedPackageTests(PublishedPackage package) : IClassFixture<PublishedPackage>
{
    static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;

    /// <summary>The framework's own assemblies (the running runtime's folder); everything else must come from the package.</summary>
    static readonly string FrameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;

    /// <summary>
    /// Resolves from the package folder, then from the framework, and records what is in neither. Read-only
    /// reflection (MetadataLoadContext): the package's ReadyToRun images are for linux-arm64 and cannot be loaded
    /// for execution on this machine.
    /// </summary>
    sealed class PackageResolver(string directory) : MetadataAssemblyResolver
    {
        public List<string> Missing { get; } = [];

        public override Assembly? Resolve(MetadataLoadContext context, AssemblyName name)
        {
            foreach (var folder in new[] { directory, FrameworkDirectory })
            {
                var path = Path.Combine(folder, name.Name + ".dll");
                if (File.Exists(path)) return context.LoadFromAssemblyPath(path);
            }
            Missing.Add(name.FullName);
            return null;
        }
    }

    MetadataLoadContext OpenPackage(out PackageResolver resolver)
    {
        resolver = new PackageResolver(package.Directory);
        return new MetadataLoadContext(resolver, coreAssemblyName: "System.Private.CoreLib");
    }

    static bool InPackage(Assembly assembly, string directory) =>
        Path.GetDirectoryName(assembly.Location) == Path.TrimEndingDirectorySeparator(directory);

    [Fact]
    public void Handlers_EveryOneTheTemplateNames_LoadsFromThePackageWithAStreamInStreamOutMethod()
    {
        var functions = Repo.ResourcesOfType("AWS::Serverless::Function").ToList();
        Assert.NotEmpty(functions);
        using var context = OpenPackage(out var resolver);
        foreach (var (name, properties) in functions)
        {
            var parts = Scalar(properties["Handler"]).Split("::");
            Assert.True(parts.Length == 3, $"{name}: handler {Scalar(properties["Handler"])} is not Assembly::Type::Method");
            Assert.True(File.Exists(Path.Combine(package.Directory, parts[0] + ".dll")), $"{name}: {parts[0]}.dll is not in the package");
            var assembly = context.LoadFromAssemblyName(parts[0]);
            Assert.True(InPackage(assembly, package.Directory), $"{name}: {parts[0]} resolved to {assembly.Location}");

            var type = assembly.GetType(parts[1]);
            Assert.True(type is { IsPublic: true, IsAbstract: false, IsGenericTypeDefinition: false }, $"{name}: {parts[1]} is not a public concrete class of the packaged {parts[0]}");
            Assert.True(type!.GetConstructor(Type.EmptyTypes) is not null, $"{name}: {parts[1]} has no public parameterless constructor");
            var method = Assert.Single(type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static), m => m.Name == parts[2]);
            Assert.False(method.IsGenericMethodDefinition, $"{name}: generic handler");
            var parameters = method.GetParameters();
            Assert.True(parameters.Length >= 1 && parameters[0].ParameterType.FullName == typeof(Stream).FullName, $"{name}: {parts[2]} does not take a Stream first");
            Assert.True(parameters.Length == 1 || (parameters.Length == 2 && parameters[1].ParameterType.Name == "ILambdaContext"), $"{name}: {parts[2]} takes {parameters.Length} parameters");
            var returns = method.ReturnType;
            Assert.True(returns.FullName == typeof(Stream).FullName || (returns.IsGenericType && returns.GetGenericTypeDefinition().FullName == typeof(Task<>).FullName && returns.GetGenericArguments()[0].FullName == typeof(Stream).FullName),
                $"{name}: {parts[2]} returns {returns}; expected Stream or Task<Stream>");
        }
        Assert.True(resolver.Missing.Count == 0, $"the package lacks {string.Join(", ", resolver.Missing.Distinct())}");
    }

    [Fact]
    public void Package_EveryAssemblyItReferences_IsInThePackageOrTheFramework()
    {
        using var context = OpenPackage(out var resolver);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<Assembly>([context.LoadFromAssemblyName("Nob.Functions")]);
        while (pending.TryDequeue(out var assembly))
        {
            if (!seen.Add(assembly.GetName().Name!) || !InPackage(assembly, package.Directory)) continue;
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                try { pending.Enqueue(context.LoadFromAssemblyName(reference)); }
                catch (FileNotFoundException) { }
            }
        }

        Assert.True(resolver.Missing.Count == 0, $"the package lacks {string.Join(", ", resolver.Missing.Distinct())}");
        Assert.Contains("Nob.Core", seen);
        Assert.Contains("AWSSDK.Core", seen);
    }

    [Fact]
    public void Package_IsFrameworkDependentOnNet10ForLinuxArm64()
    {
        using var runtimeConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Directory, "Nob.Functions.runtimeconfig.json")));
        var options = runtimeConfig.RootElement.GetProperty("runtimeOptions");
        Assert.False(options.TryGetProperty("includedFrameworks", out _), "the package is self-contained; Lambda's dotnet10 runtime brings the framework");
        var framework = options.TryGetProperty("framework", out var single) ? single : options.GetProperty("frameworks")[0];
        Assert.Equal("Microsoft.NETCore.App", framework.GetProperty("name").GetString());
        Assert.StartsWith("10.", framework.GetProperty("version").GetString(), StringComparison.Ordinal);

        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Directory, "Nob.Functions.deps.json")));
        Assert.Equal(".NETCoreApp,Version=v10.0/linux-arm64", deps.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString());
    }

    /// <summary>
    /// ReadyToRun (crossgen2) code for Linux arm64: the image carries a managed native header, and its COFF machine is
    /// ARM64 (0xAA64) XOR'ed with the Linux value 0x7B79 (dotnet/runtime, docs/design/coreclr/botr/readytorun-format.md).
    /// </summary>
    [Fact]
    public void Package_ProjectAssemblies_AreReadyToRunForLinuxArm64()
    {
        const ushort LinuxArm64ReadyToRun = 0xAA64 ^ 0x7B79;
        foreach (var name in new[] { "Nob.Functions", "Nob.Core", "Nob.Aws", "Nob.Stomp" })
        {
            using var file = File.OpenRead(Path.Combine(package.Directory, name + ".dll"));
            using var reader = new PEReader(file);
            var headers = reader.PEHeaders;
            Assert.True(headers.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 }, $"{name}.dll has no ReadyToRun code");
            Assert.True((ushort)headers.CoffHeader.Machine == LinuxArm64ReadyToRun, $"{name}.dll is compiled for machine 0x{(ushort)headers.CoffHeader.Machine:X4}, not Linux arm64 (0x{LinuxArm64ReadyToRun:X4})");
        }
    }

    [Fact]
    public void PublishArguments_AreAmazonLambdaToolsForSamBuildsArm64Release()
    {
        Assert.Equal(["--configuration", "Release"], package.Arguments.SkipWhile(a => a != "--configuration").Take(2));
        Assert.Equal(["--framework", "net10.0"], package.Arguments.SkipWhile(a => a != "--framework").Take(2));
        Assert.Equal(["--runtime", "linux-arm64"], package.Arguments.SkipWhile(a => a != "--runtime").Take(2));
        Assert.Single(package.Arguments, a => a == "--runtime");
    }
}
