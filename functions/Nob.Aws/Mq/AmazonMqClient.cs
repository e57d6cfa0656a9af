using Amazon;
using Amazon.Runtime;
using Nob.Aws.Mq.Internal;
using Nob.Aws.Mq.Model;
using Nob.Aws.Protocol;

namespace Nob.Aws.Mq;

/// <summary>
/// Amazon MQ client on the shared <see cref="AwsServiceClient"/> pipeline (SigV4 signing as <c>mq</c>, the default
/// credential chain, standard retries, regional endpoints), with rest-json marshalling.
/// </summary>
public sealed class AmazonMqClient : AwsServiceClient, IAmazonMqClient
{

    /// <summary>Region, endpoint and credentials from the environment / profile (the SDK's default chains).</summary>
    public AmazonMqClient() : base(new AmazonMqConfig()) { }

    public AmazonMqClient(RegionEndpoint region) : base(new AmazonMqConfig { RegionEndpoint = region }) { }

    public AmazonMqClient(AmazonMqConfig config) : base(config) { }

    public AmazonMqClient(AWSCredentials credentials, AmazonMqConfig config) : base(credentials, config) { }

    public Task<CreateBrokerResponse> CreateBrokerAsync(CreateBrokerRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvokeRedactingAsync(request, MqOperations.CreateBroker, (request.Users ?? []).Select(u => u.Password).ToList(), cancellationToken);
    }

    public Task<DescribeBrokerResponse> DescribeBrokerAsync(DescribeBrokerRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.DescribeBroker, cancellationToken);

    public Task<ListBrokersResponse> ListBrokersAsync(ListBrokersRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.ListBrokers, cancellationToken);

    public Task<DeleteBrokerResponse> DeleteBrokerAsync(DeleteBrokerRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.DeleteBroker, cancellationToken);

    public Task<UpdateBrokerResponse> UpdateBrokerAsync(UpdateBrokerRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.UpdateBroker, cancellationToken);

    public Task<RebootBrokerResponse> RebootBrokerAsync(RebootBrokerRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.RebootBroker, cancellationToken);

    public Task<CreateConfigurationResponse> CreateConfigurationAsync(CreateConfigurationRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.CreateConfiguration, cancellationToken);

    public Task<DescribeConfigurationResponse> DescribeConfigurationAsync(DescribeConfigurationRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.DescribeConfiguration, cancellationToken);

    public Task<ListConfigurationRevisionsResponse> ListConfigurationRevisionsAsync(ListConfigurationRevisionsRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.ListConfigurationRevisions, cancellationToken);

    public Task<DescribeConfigurationRevisionResponse> DescribeConfigurationRevisionAsync(DescribeConfigurationRevisionRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.DescribeConfigurationRevision, cancellationToken);

    public Task<UpdateConfigurationResponse> UpdateConfigurationAsync(UpdateConfigurationRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.UpdateConfiguration, cancellationToken);

    public Task<ListUsersResponse> ListUsersAsync(ListUsersRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.ListUsers, cancellationToken);

    public Task<CreateUserResponse> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvokeRedactingAsync(request, MqOperations.CreateUser, [request.Password], cancellationToken);
    }

    public Task<UpdateUserResponse> UpdateUserAsync(UpdateUserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvokeRedactingAsync(request, MqOperations.UpdateUser, request.Password is { } password ? [password] : [], cancellationToken);
    }

    public Task<CreateTagsResponse> CreateTagsAsync(CreateTagsRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.CreateTags, cancellationToken);

    public Task<DescribeUserResponse> DescribeUserAsync(DescribeUserRequest request, CancellationToken cancellationToken = default)
        => Invoke(request, MqOperations.DescribeUser, cancellationToken);

    // For requests that carry passwords: whatever fails, the secret must not reach an exception's text.
    private async Task<TResponse> InvokeRedactingAsync<TRequest, TResponse>(
        TRequest request, MqOperation<TRequest, TResponse> operation, IReadOnlyCollection<string> secrets, CancellationToken cancellationToken)
        where TRequest : AmazonMqRequest
        where TResponse : AmazonWebServiceResponse, new()
    {
        try
        {
            return await Invoke(request, operation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (MqErrors.Redact(e, secrets) is var redacted && !ReferenceEquals(redacted, e))
        {
            throw redacted;
        }
    }
}
