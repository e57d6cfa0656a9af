using Nob.Aws.Internal;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Nob.Aws.Mq.Internal;
using Nob.Aws.Mq.Model;

namespace Nob.Aws.Mq;

/// <summary>
/// Amazon MQ client on AWSSDK.Core's runtime pipeline: SigV4 signing (<c>mq</c>), the default credential chain,
/// the standard retry mode (throttling and 5xx retried with backoff), endpoint resolution through
/// <see cref="RegionalEndpointProvider"/> and rest-json marshalling.
/// </summary>
public sealed class AmazonMqClient : AmazonServiceClient, IAmazonMqClient
{
    private static readonly ServiceMetadata Metadata = new(AmazonMqConfig.MqServiceId);

    /// <summary>Region, endpoint and credentials from the environment / profile (the SDK's default chains).</summary>
    public AmazonMqClient()
        : base(new AmazonMqConfig())
    {
    }

    public AmazonMqClient(RegionEndpoint region)
        : base(new AmazonMqConfig { RegionEndpoint = region })
    {
    }

    public AmazonMqClient(AmazonMqConfig config)
        : base(config)
    {
    }

    public AmazonMqClient(AWSCredentials credentials, AmazonMqConfig config)
        : base(credentials, config)
    {
    }

    protected override IServiceMetadata ServiceMetadata => Metadata;

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        // As generated AWSSDK v4 clients do: endpoint rules instead of the legacy resolver, and an auth-scheme
        // handler (runs before endpoint resolution) that picks SigV4 and resolves the identity.
        pipeline.RemoveHandler<EndpointResolver>();
        pipeline.AddHandlerAfter<Marshaller>(new RegionalEndpointResolver());
        pipeline.AddHandlerAfter<Marshaller>(new SigV4AuthSchemeHandler());
    }

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

    private Task<TResponse> Invoke<TRequest, TResponse>(TRequest request, MqOperation<TRequest, TResponse> operation, CancellationToken cancellationToken)
        where TRequest : AmazonMqRequest
        where TResponse : AmazonWebServiceResponse, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvokeAsync<TResponse>(request, operation.InvokeOptions(), cancellationToken);
    }

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
