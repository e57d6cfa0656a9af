using Nob.StepFunctions;

namespace Nob.LocalCloud.Tests;

/// <summary>One local cloud serving the networks API of template.yaml with the functions a subclass builds from it; its data folder goes with it.</summary>
public abstract class ApiCloudFixture(string folderPrefix) : IAsyncLifetime
{
    readonly string root = Path.Combine(Path.GetTempPath(), $"{folderPrefix}-{Guid.NewGuid():N}");

    internal LocalCloud Cloud { get; private set; } = null!;

    /// <summary>The Lambda functions that answer the API, from the template as loaded for us-east-1.</summary>
    private protected abstract ILambdaFunctions BuildFunctions(SamTemplate template);

    public async Task InitializeAsync()
    {
        var template = SamTemplate.Load(ApiCloud.TemplatePath, "us-east-1", "000000000000", "nob");
        Cloud = await ApiCloud.StartAsync(root, BuildFunctions(template));
    }

    public async Task DisposeAsync()
    {
        if (Cloud is not null) await Cloud.DownAsync();
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
