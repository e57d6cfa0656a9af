using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Core.Lifecycle;

namespace Nob.Aws.Adapters;

/// <summary>Network records as String parameters under <see cref="NetworkRecord.ParameterPath"/> (see <see cref="NetworkRecordCodec"/>).</summary>
public sealed class SsmNetworkStore(IAmazonSimpleSystemsManagement ssm) : INetworkStore
{
    [IamActions("ssm:GetParameter")]
    public async Task<NetworkRecord?> GetAsync(string networkName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Ssm("GetParameter", () => ssm.GetParameterAsync(new GetParameterRequest { Name = NetworkRecord.ParameterName(networkName) }, cancellationToken), cancellationToken);
            return NetworkRecordCodec.Decode(response.Parameter.Value);
        }
        catch (ParameterNotFoundException)
        {
            return null;
        }
    }

    [IamActions("ssm:PutParameter")]
    public async Task PutAsync(NetworkRecord record, CancellationToken cancellationToken)
    {
        var value = NetworkRecordCodec.Encode(record);
        // Advanced parameters cost money, so only records that do not fit Standard ask for it.
        var tier = NetworkRecordCodec.NeedsAdvancedTier(value) ? ParameterTier.Advanced : ParameterTier.Standard;
        try
        {
            await PutAsync(record.NetworkName, value, tier, cancellationToken);
        }
        catch (AmazonSimpleSystemsManagementException e) when (tier == ParameterTier.Standard && IsDowngradeRefused(e))
        {
            // An earlier, larger record made the parameter Advanced, and SSM never moves one back to Standard.
            await PutAsync(record.NetworkName, value, ParameterTier.Advanced, cancellationToken);
        }
    }

    private Task PutAsync(string networkName, string value, ParameterTier tier, CancellationToken cancellationToken) =>
        Ssm("PutParameter", () => ssm.PutParameterAsync(new PutParameterRequest
        {
            Name = NetworkRecord.ParameterName(networkName),
            Value = value,
            Type = ParameterType.String,
            Overwrite = true,
            Tier = tier,
            Description = $"nob network {networkName}",
        }, cancellationToken), cancellationToken);

    /// <summary>
    /// SSM's ValidationException for a Standard write to an Advanced parameter ("You can't downgrade a parameter from the
    /// advanced-parameter tier to the standard-parameter tier…"; worded differently over time, so only the two tiers are
    /// matched).
    /// </summary>
    private static bool IsDowngradeRefused(AmazonSimpleSystemsManagementException e) =>
        e.ErrorCode == "ValidationException"
        && e.Message.Contains("advanced", StringComparison.OrdinalIgnoreCase)
        && e.Message.Contains("standard", StringComparison.OrdinalIgnoreCase);

    [IamActions("ssm:DeleteParameter")]
    public async Task<bool> DeleteAsync(string networkName, CancellationToken cancellationToken)
    {
        try
        {
            await Ssm("DeleteParameter", () => ssm.DeleteParameterAsync(new DeleteParameterRequest { Name = NetworkRecord.ParameterName(networkName) }, cancellationToken), cancellationToken);
            return true;
        }
        catch (ParameterNotFoundException)
        {
            return false;
        }
    }

    [IamActions("ssm:GetParametersByPath")]
    public async Task<IReadOnlyList<string>> ListNetworkNamesAsync(CancellationToken cancellationToken)
    {
        var prefix = NetworkRecord.ParameterPath + "/";
        var names = new List<string>();
        string? next = null;
        do
        {
            var response = await Ssm("GetParametersByPath", () => ssm.GetParametersByPathAsync(
                new GetParametersByPathRequest { Path = NetworkRecord.ParameterPath, Recursive = false, NextToken = next }, cancellationToken), cancellationToken);
            names.AddRange((response.Parameters ?? []).Select(p => p.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Select(n => n[prefix.Length..]));
            next = response.NextToken;
        } while (!string.IsNullOrEmpty(next));
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    // SSM throttles by account (ThrottlingException, TooManyUpdates): what outlasts the client's retries becomes a named error the state machine retries.
    static Task<T> Ssm<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken) =>
        TransientFaults.RunAsync("SSM", operation, call, cancellationToken);
}
