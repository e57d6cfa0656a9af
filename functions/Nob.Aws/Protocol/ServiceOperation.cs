using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;

namespace Nob.Aws.Protocol;

/// <summary>One operation: its marshaller and unmarshaller, as the SDK's <see cref="InvokeOptions"/> wants them.</summary>
internal class ServiceOperation<TRequest, TResponse>(
    string name,
    IMarshaller<IRequest, AmazonWebServiceRequest> marshaller,
    JsonOperationUnmarshaller<TResponse> unmarshaller)
    where TRequest : AmazonWebServiceRequest
    where TResponse : AmazonWebServiceResponse
{
    public string Name => name;

    public IMarshaller<IRequest, AmazonWebServiceRequest> Marshaller => marshaller;

    public JsonOperationUnmarshaller<TResponse> Unmarshaller => unmarshaller;

    public InvokeOptions InvokeOptions() => new() { RequestMarshaller = marshaller, ResponseUnmarshaller = unmarshaller };
}
