namespace Nob.LocalCloud.Tests;

/// <summary>FailCreationCount: only the first N creations of a broker in FailCreationOf fail, so a recreation can start.</summary>
public sealed class FailCreationCountTests
{
    [Fact]
    public void FailsCreation_CountOfOne_FailsTheFirstCreationOfEachNamedBrokerOnly()
    {
        var faults = new LocalCloudFaults(new FaultSettings { FailCreationOf = ["A", "B"], FailCreationCount = 1 });

        Assert.Equal([true, false, false], [faults.FailsCreation("A"), faults.FailsCreation("A"), faults.FailsCreation("A")]);
        Assert.True(faults.FailsCreation("B"));
        Assert.False(faults.FailsCreation("C"));
    }

    [Fact]
    public void FailsCreation_CountZero_FailsEveryCreation_AndNewSettingsCountAgain()
    {
        var faults = new LocalCloudFaults(new FaultSettings { FailCreationOf = ["A"] });
        Assert.All(Enumerable.Range(0, 5), _ => Assert.True(faults.FailsCreation("A")));

        faults.Set(new FaultSettings { FailCreationOf = ["A"], FailCreationCount = 2 });
        Assert.Equal([true, true, false], [faults.FailsCreation("A"), faults.FailsCreation("A"), faults.FailsCreation("A")]);
    }

    [Fact]
    public void Set_NegativeFailCreationCount_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new LocalCloudFaults(null).Set(new FaultSettings { FailCreationCount = -1 }));
}
