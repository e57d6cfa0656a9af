using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Nob.Core.Api;
using Nob.Core.Lifecycle;

namespace Nob.Functions;

/// <summary>
/// The networks API behind API Gateway (REST API, Lambda proxy integration): every route (<c>POST /networks</c>,
/// <c>GET</c>/<c>DELETE /networks/{name}</c>, <c>POST /networks/{name}/drift-checks</c>,
/// <c>GET /networks/{name}/executions/{executionName}</c>). The logic is <see cref="NetworkApi"/>; this class only
/// translates the proxy event.
/// </summary>
public sealed class ApiFunction(IWorkflowExecutions executions, INetworkStore networks, ApiStateMachines stateMachines, TimeProvider time)
{
    readonly NetworkApi api = new(executions, networks, stateMachines, time);

    public ApiFunction() : this(Composition.WorkflowExecutions, Composition.Networks, Composition.ApiStateMachines, TimeProvider.System) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await ReadAsync(input);
        ApiResponse response;
        if (!TryBody(request, out var body))
        {
            response = new ApiResponse(400, """{"message":"the request body is marked base64 but is not valid base64","errors":[]}""",
                new Dictionary<string, string> { ["Content-Type"] = "application/json" });
        }
        else
        {
            try
            {
                response = await api.HandleAsync(new ApiRequest(request.HttpMethod!, request.Path ?? "/", request.Resource, request.PathParameters, body, request.Headers), CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Type and message only: never the request body.
                await Console.Error.WriteLineAsync($"{request.HttpMethod} {request.Resource ?? request.Path} failed: {e.GetType().Name}: {Truncate(e.Message, 500)}");
                response = new ApiResponse(500, """{"message":"internal error; see the API function's logs"}""",
                    new Dictionary<string, string> { ["Content-Type"] = "application/json" });
            }
        }

        return StepJson.Write(new ApiGatewayProxyResponse(response.StatusCode, response.Headers, response.Body), ApiJson.Default.ApiGatewayProxyResponse);
    }

    static async Task<ApiGatewayProxyRequest> ReadAsync(Stream input)
    {
        try
        {
            var request = await JsonSerializer.DeserializeAsync(input, ApiJson.Default.ApiGatewayProxyRequest)
                ?? throw new StepInputException("the API event is null; expected an API Gateway proxy event");
            return string.IsNullOrEmpty(request.HttpMethod)
                ? throw new StepInputException("the API event has no httpMethod; expected an API Gateway proxy event")
                : request;
        }
        catch (JsonException e)
        {
            throw new StepInputException($"the API event is not an API Gateway proxy event: {e.Message}");
        }
    }

    static bool TryBody(ApiGatewayProxyRequest request, out string? body)
    {
        body = request.Body;
        if (!request.IsBase64Encoded || body is null) return true;
        var bytes = new byte[body.Length];
        if (!Convert.TryFromBase64String(body, bytes, out var length)) return false;
        body = Encoding.UTF8.GetString(bytes, 0, length);
        return true;
    }

    static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

/// <summary>The API Gateway REST API (v1) Lambda proxy event: the members the API reads; the rest is ignored.</summary>
public sealed record ApiGatewayProxyRequest(
    string? HttpMethod,
    string? Resource,
    string? Path,
    IReadOnlyDictionary<string, string>? PathParameters,
    string? Body,
    bool IsBase64Encoded,
    IReadOnlyDictionary<string, string>? Headers);

/// <summary>The proxy integration's response.</summary>
public sealed record ApiGatewayProxyResponse(int StatusCode, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>Source-generated JSON for the proxy event and response (camelCase, as API Gateway sends and expects).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ApiGatewayProxyRequest))]
[JsonSerializable(typeof(ApiGatewayProxyResponse))]
public sealed partial class ApiJson : JsonSerializerContext;
