using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Core.Workflow;

namespace Nob.Aws.Adapters;

/// <summary>SSM Parameter Store through AWSSDK.SimpleSystemsManagement: SecureString read with decryption, never logged.</summary>
public sealed class SsmParameterStore(IAmazonSimpleSystemsManagement ssm) : IParameterStore
{
    [IamActions("ssm:GetParameter")]
    public async Task<Secret> GetSecureStringAsync(string parameterName, CancellationToken cancellationToken) =>
        (await GetSecureStringWithVersionAsync(parameterName, cancellationToken)).Value;

    [IamActions("ssm:GetParameter")]
    public async Task<VersionedSecret> GetSecureStringWithVersionAsync(string parameterName, CancellationToken cancellationToken)
    {
        var parameter = await GetAsync(parameterName, decrypt: true, cancellationToken);
        if (parameter.Type != ParameterType.SecureString)
            throw new InvalidOperationException($"SSM parameter \"{parameterName}\" is a {parameter.Type}; store the password as a SecureString");
        return new VersionedSecret(new Secret(parameter.Value), parameter.Version ?? 0);
    }

    [IamActions("ssm:GetParameter")]
    public async Task<long> GetVersionAsync(string parameterName, CancellationToken cancellationToken) =>
        (await GetAsync(parameterName, decrypt: false, cancellationToken)).Version ?? 0;

    async Task<Parameter> GetAsync(string parameterName, bool decrypt, CancellationToken cancellationToken)
    {
        try
        {
            var response = await TransientFaults.RunAsync("SSM", "GetParameter",
                () => ssm.GetParameterAsync(new GetParameterRequest { Name = parameterName, WithDecryption = decrypt }, cancellationToken), cancellationToken);
            return response.Parameter;
        }
        catch (ParameterNotFoundException)
        {
            throw new PasswordParameterMissingException(parameterName);
        }
    }
}
