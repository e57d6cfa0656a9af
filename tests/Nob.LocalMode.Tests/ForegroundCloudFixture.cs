namespace Nob.LocalMode.Tests;

/// <summary>A home whose endpoint runs in the foreground (`nob cloud`), without brokers until a test builds some; `nob down` stops it.</summary>
public sealed class ForegroundCloudFixture : LocalHomeFixture
{
    RunningNob? cloud;

    public override async Task InitializeAsync()
    {
        cloud = RunningNob.Start(Home, Password, "cloud");
        await cloud.WaitForOutputAsync("nob cloud:", TimeSpan.FromSeconds(120));
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            cloud?.Dispose();
        }
    }
}
