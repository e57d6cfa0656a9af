using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Aws.Mq.Model;

namespace Nob.LocalMode.Tests;

/// <summary>
/// The common user's password changes in SSM after a build: the next `nob up` updates the user on every broker
/// (pending until the reboot, as on Amazon MQ), reboots them and verifies with the new password, after which the old
/// one no longer logs in. And a password parameter that cannot be read fails the build by name before any broker exists.
/// </summary>
public sealed class PasswordRotationTests(LocalHomeFixture fixture, ITestOutputHelper output) : IClassFixture<LocalHomeFixture>
{
    const string Username = "networkUser";

    [Fact]
    public async Task Up_AfterThePasswordParameterChanged_UpdatesUsersRebootsAndOnlyTheNewPasswordWorks()
    {
        var spec = fixture.WriteSpec("rotate",
            Specs.TwoBrokers("rotate-e2e", "Rotate1", "Rotate2", """{ "type": "source-sink", "sources": ["Rotate1"], "sinks": ["Rotate2"] }"""));
        var first = await fixture.NobAsync("up", spec, "--json");
        Assert.True(first.ExitCode == 0, first.ToString());

        // Rotate as a user would on AWS: overwrite the SecureString (version 2). NOB_PASSWORD gives nob the same value,
        // so nob up does not write it back.
        var rotated = "Rotated" + Guid.NewGuid().ToString("N")[..16];
        using (var ssm = fixture.SsmClient())
        {
            var put = await ssm.PutParameterAsync(new PutParameterRequest
            {
                Name = "/nob/rotate-e2e/password", Value = rotated, Type = ParameterType.SecureString, Overwrite = true,
            });
            Assert.Equal(2, put.Version);
        }

        var second = await NobProcess.RunAsync(fixture.Home, rotated, null, "up", spec, "--json");
        output.WriteLine(second.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        var summary = Summary.Parse(second);
        Assert.Equal("PASSED", (string?)summary["verification"]?["status"]);
        var changes = Summary.Strings(summary["changes"]);
        foreach (var broker in new[] { "Rotate1", "Rotate2" })
        {
            Assert.Contains($"updated the password of user {Username} on {broker}", changes);
            Assert.Contains($"rebooted {broker}", changes);
        }
        Assert.DoesNotContain(rotated, second.Stdout + second.Stderr, StringComparison.Ordinal);

        using (var mq = fixture.MqClient())
        {
            foreach (var broker in Summary.Brokers(summary))
            {
                var described = await mq.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = (string)broker["brokerId"]! });
                Assert.Equal("2", described.Tags["nob:password-version"]);
                Assert.All(described.Users, u => Assert.Null(u.PendingChange));
            }
        }

        // The real brokers: the new password carries a message across; the old one no longer logs in.
        var withNew = await new ActiveMqPairCheck(summary, Username, rotated, Path.Combine(fixture.Scratch, "cli")).DeliverAsync("Rotate1", "Rotate2");
        Assert.True(withNew is null, withNew);
        var withOld = await new ActiveMqPairCheck(summary, Username, fixture.Password, Path.Combine(fixture.Scratch, "cli"))
            .DeliverAsync("Rotate1", "Rotate2", TimeSpan.FromSeconds(20));
        Assert.NotNull(withOld);
        output.WriteLine($"old password: {withOld}");

        // Nothing left to rotate: the next run is converged again.
        var third = await NobProcess.RunAsync(fixture.Home, rotated, null, "up", spec, "--json");
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Empty(Summary.Strings(Summary.Parse(third)["changes"]));
    }

    [Fact]
    public async Task Up_PasswordParameterMissing_ExitsOneNamingTheParameterAndCreatesNoBroker()
    {
        // Start the endpoint with a network of its own, then make the parameter of another network unreadable.
        var warmup = fixture.WriteSpec("warmup", Specs.TwoBrokers("warmup-e2e", "Warm1", "Warm2"));
        if (!File.Exists(fixture.CloudStateFile))
        {
            var started = await fixture.NobAsync("up", warmup, "--json");
            Assert.True(started.ExitCode == 0, started.ToString());
        }

        var spec = fixture.WriteSpec("nopass", Specs.TwoBrokers("nopass-e2e", "NoPass1", "NoPass2"));
        var run = await fixture.NobUnderFaultsAsync(output, new { missingParameters = new[] { "/nob/nopass-e2e/password" } }, "up", spec, "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("PasswordParameterMissingException", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("/nob/nopass-e2e/password", run.Stderr, StringComparison.Ordinal);
        using var mq = fixture.MqClient();
        var brokers = await mq.ListBrokersAsync(new ListBrokersRequest { MaxResults = 100 });
        Assert.DoesNotContain(brokers.BrokerSummaries, b => b.BrokerName is "NoPass1" or "NoPass2");
    }
}
