using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Core.Workflow;

namespace Nob.Aws.Adapters;

/// <summary>SSM Parameter Store through AWSSDK.SimpleSystemsManagement: SecureString read with decryption, never logged.</summary>
public sealed class SsmParameterStore(IAmazonSimpleSystemsManagement ssm) : IParameterStore
{
    [IamActions("ssm:GetParameter")]
    public async Task<Secret> GetSecureStringAsync(string parameterName, CancellationToken cancellationToken)
    {
        var response = await ssm.GetParameterAsync(new GetParameterRequest { Name = parameterName, WithDecryption = true }, cancellationToken);
        if (response.Parameter.Type != ParameterType.SecureString)
            throw new InvalidOperationException($"SSM parameter \"{parameterName}\" is a {response.Parameter.Type}; store the password as a SecureString");
        return new Secret(response.Parameter.Value);
    }
}
