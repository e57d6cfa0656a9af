using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace Nob.Aws.Protocol;

/// <summary>
/// Base of the hand-written clients, on AWSSDK.Core's runtime pipeline: SigV4 signing (the config's signing name), the
/// default credential chain, the standard retry mode (throttling and 5xx retried with backoff) and endpoint resolution
/// through <see cref="RegionalEndpointProvider"/>. A client adds its operations (<see cref="ServiceOperation{TRequest, TResponse}"/>).
/// </summary>
public abstract class AwsServiceClient : AmazonServiceClient
{
    private ServiceMetadata? metadata;

    protected AwsServiceClient(AwsServiceConfig config)
        : base(config)
    {
    }

    protected AwsServiceClient(AWSCredentials credentials, AwsServiceConfig config)
        : base(credentials, config)
    {
    }

    // Built on first use from the config (which the SDK's constructor stores before anything else).
    protected override IServiceMetadata ServiceMetadata => metadata ??= new ServiceMetadata(Config.ServiceId);

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        // As generated AWSSDK v4 clients do: endpoint rules instead of the legacy resolver, and an auth-scheme
        // handler (runs before endpoint resolution) that picks SigV4 and resolves the identity.
        pipeline.RemoveHandler<EndpointResolver>();
        pipeline.AddHandlerAfter<Marshaller>(new RegionalEndpointResolver());
        pipeline.AddHandlerAfter<Marshaller>(new SigV4AuthSchemeHandler());
    }

    /// <summary>Sends <paramref name="request"/> through the pipeline with the operation's marshaller and unmarshaller.</summary>
    private protected Task<TResponse> Invoke<TRequest, TResponse>(TRequest request, ServiceOperation<TRequest, TResponse> operation, CancellationToken cancellationToken)
        where TRequest : AmazonWebServiceRequest
        where TResponse : AmazonWebServiceResponse, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(operation);
        return InvokeAsync<TResponse>(request, operation.InvokeOptions(), cancellationToken);
    }
}
