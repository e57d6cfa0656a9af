using System.Globalization;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Core.Workflow;

namespace Nob.Aws.Adapters;

/// <summary>
/// A network's lock generations as String parameters <c>/nob/locks/NETWORK/GENERATION</c>: created with Overwrite=false,
/// so SSM itself decides which of two runs creates a generation (the other gets ParameterAlreadyExists).
/// </summary>
public sealed class SsmLockStore(IAmazonSimpleSystemsManagement ssm) : ILockStore
{
    /// <summary>Where the locks live; the lock functions' IAM policies are scoped to it.</summary>
    public const string ParameterPath = "/nob/locks";

    public static string NetworkPath(string networkName) => $"{ParameterPath}/{networkName}";

    static string ParameterName(string networkName, long generation) => $"{NetworkPath(networkName)}/{generation.ToString(CultureInfo.InvariantCulture)}";

    [IamActions("ssm:GetParametersByPath")]
    public async Task<IReadOnlyList<LockGeneration>> ListAsync(string networkName, CancellationToken cancellationToken)
    {
        var prefix = NetworkPath(networkName) + "/";
        var generations = new List<LockGeneration>();
        string? next = null;
        do
        {
            var token = next;
            var response = await TransientFaults.RunAsync("SSM", "GetParametersByPath",
                () => ssm.GetParametersByPathAsync(new GetParametersByPathRequest { Path = NetworkPath(networkName), Recursive = false, NextToken = token }, cancellationToken), cancellationToken);
            foreach (var p in response.Parameters ?? [])
            {
                if (p.Name.StartsWith(prefix, StringComparison.Ordinal)
                    && long.TryParse(p.Name[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
                    generations.Add(new LockGeneration(generation, p.Value));
            }
            next = response.NextToken;
        } while (!string.IsNullOrEmpty(next));
        return generations;
    }

    [IamActions("ssm:PutParameter")]
    public async Task<bool> TryCreateAsync(string networkName, long generation, string value, CancellationToken cancellationToken)
    {
        try
        {
            await TransientFaults.RunAsync("SSM", "PutParameter", () => ssm.PutParameterAsync(new PutParameterRequest
            {
                Name = ParameterName(networkName, generation),
                Value = value,
                Type = ParameterType.String,
                Overwrite = false,
                Description = $"nob lock of network {networkName}",
            }, cancellationToken), cancellationToken);
            return true;
        }
        catch (ParameterAlreadyExistsException)
        {
            return false;
        }
    }

    [IamActions("ssm:PutParameter")]
    public Task OverwriteAsync(string networkName, long generation, string value, CancellationToken cancellationToken) =>
        TransientFaults.RunAsync("SSM", "PutParameter",
            () => ssm.PutParameterAsync(new PutParameterRequest { Name = ParameterName(networkName, generation), Value = value, Type = ParameterType.String, Overwrite = true }, cancellationToken), cancellationToken);

    [IamActions("ssm:DeleteParameter")]
    public async Task DeleteAsync(string networkName, long generation, CancellationToken cancellationToken)
    {
        try
        {
            await TransientFaults.RunAsync("SSM", "DeleteParameter", () => ssm.DeleteParameterAsync(new DeleteParameterRequest { Name = ParameterName(networkName, generation) }, cancellationToken), cancellationToken);
        }
        catch (ParameterNotFoundException)
        {
        }
    }
}
