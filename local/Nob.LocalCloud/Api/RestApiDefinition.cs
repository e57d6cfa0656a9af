using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nob.StepFunctions;

namespace Nob.LocalCloud.Api;

/// <summary>Where a request parameter is: API Gateway's <c>method.request.{path|querystring|header}.NAME</c>.</summary>
internal enum ParameterLocation
{
    Path,
    Query,
    Header,
}

internal sealed record RestApiParameter(string Name, ParameterLocation In, bool Required);

/// <summary>
/// One method of a resource as API Gateway imports it from OpenAPI: the Lambda function its <c>aws_proxy</c> integration
/// invokes, whether it needs SigV4 (IAM auth), the validator in force, its parameters and its body models by content type.
/// </summary>
internal sealed record RestApiRoute(
    string ResourcePath,
    string HttpMethod,
    string FunctionArn,
    bool IamAuth,
    bool ValidateParameters,
    bool ValidateBody,
    IReadOnlyList<RestApiParameter> Parameters,
    IReadOnlyDictionary<string, JsonSchemaModel> BodyModels)
{
    /// <summary>The resource path's segments; a <c>{name}</c> segment is a path parameter.</summary>
    public IReadOnlyList<string> Segments { get; } = ResourcePath.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>API Gateway's resource id (10 characters), stable for a path so events name it the same across restarts.</summary>
    public string ResourceId { get; } = RestApiDefinition.ShortId(ResourcePath);
}

/// <summary>
/// A REST API as API Gateway builds it from an OpenAPI 3.0 definition (the template's <c>DefinitionBody</c>): every
/// method under <c>paths</c> (path-level parameters merged into each method's), security (a scheme with
/// <c>x-amazon-apigateway-authtype: awsSigv4</c>, or <c>x-amazon-apigateway-auth: {type: AWS_IAM}</c>, is IAM auth; a
/// method's <c>security</c> replaces the root's), request validators (the root's
/// <c>x-amazon-apigateway-request-validator</c>, replaced by a method's) and body models (<c>requestBody.content</c>,
/// <c>$ref</c> to <c>components/schemas</c>). Only <c>aws_proxy</c> integrations of a Lambda function are supported, and
/// no greedy <c>{proxy+}</c> paths; anything else is refused when the definition is read, never ignored.
/// </summary>
internal sealed class RestApiDefinition
{
    static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch"];

    RestApiDefinition(string id, string stage, IReadOnlyList<RestApiRoute> routes, IReadOnlyDictionary<string, string> stageVariables)
    {
        Id = id;
        Stage = stage;
        Routes = routes;
        StageVariables = stageVariables;
    }

    /// <summary>The API id: ten lower-case letters and digits as API Gateway's, derived from the account, region, stack and resource.</summary>
    public string Id { get; }

    public string Stage { get; }

    public IReadOnlyList<RestApiRoute> Routes { get; }

    public IReadOnlyDictionary<string, string> StageVariables { get; }

    public static RestApiDefinition From(SamTemplate template, string logicalId)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!template.Apis.TryGetValue(logicalId, out var api))
            throw new StatesDefinitionException($"template: no AWS::Serverless::Api {logicalId}");
        var id = ShortId($"{template.Account}/{template.Region}/{template.StackName}/{logicalId}");
        return new RestApiDefinition(id, api.StageName, ReadRoutes(api.DefinitionBody, $"template resource {logicalId} DefinitionBody"), api.StageVariables);
    }

    static List<RestApiRoute> ReadRoutes(JsonObject definition, string location)
    {
        var openapi = (string?)definition["openapi"];
        if (openapi is null || !openapi.StartsWith("3.0", StringComparison.Ordinal))
            throw new UnsupportedFeatureException($"OpenAPI version \"{openapi}\"", location, "the local API reads OpenAPI 3.0 definitions");
        var validators = definition["x-amazon-apigateway-request-validators"] as JsonObject ?? [];
        var schemes = definition["components"]?["securitySchemes"] as JsonObject ?? [];
        var schemas = definition["components"]?["schemas"] as JsonObject ?? [];
        var paths = definition["paths"] as JsonObject ?? throw new StatesDefinitionException($"{location}: no paths");
        var routes = new List<RestApiRoute>();
        foreach (var (path, item) in paths)
        {
            if (item is not JsonObject pathItem) throw new StatesDefinitionException($"{location}.paths.{path}: not an object");
            if (path.Contains('+', StringComparison.Ordinal)) throw new UnsupportedFeatureException($"the greedy path {path}", location);
            foreach (var (key, value) in pathItem)
            {
                var method = key == "x-amazon-apigateway-any-method" ? "ANY" : Methods.Contains(key) ? key.ToUpperInvariant() : null;
                if (method is null) continue;
                var where = $"{location}.paths.{path}.{key}";
                var operation = value as JsonObject ?? throw new StatesDefinitionException($"{where}: not an object");
                routes.Add(ReadRoute(path, method, pathItem, operation, definition, validators, schemes, schemas, where));
            }
        }
        return routes;
    }

    static RestApiRoute ReadRoute(string path, string method, JsonObject pathItem, JsonObject operation, JsonObject definition,
        JsonObject validators, JsonObject schemes, JsonObject schemas, string where)
    {
        var integration = operation["x-amazon-apigateway-integration"] as JsonObject
            ?? throw new UnsupportedFeatureException("a method without x-amazon-apigateway-integration", where);
        if (!string.Equals((string?)integration["type"], "aws_proxy", StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedFeatureException($"the integration type \"{(string?)integration["type"]}\"", where, "only aws_proxy (Lambda proxy) integrations run locally");
        var functionArn = FunctionArn((string?)integration["uri"] ?? "", where);

        var validatorName = (string?)operation["x-amazon-apigateway-request-validator"] ?? (string?)definition["x-amazon-apigateway-request-validator"];
        var validator = validatorName is null ? null
            : validators[validatorName] as JsonObject ?? throw new StatesDefinitionException($"{where}: no request validator \"{validatorName}\" in x-amazon-apigateway-request-validators");

        var parameters = new List<RestApiParameter>();
        foreach (var source in new[] { pathItem["parameters"], operation["parameters"] })
            foreach (var p in source as JsonArray ?? [])
            {
                var name = (string?)p?["name"] ?? throw new StatesDefinitionException($"{where}: a parameter without a name");
                var location = (string?)p!["in"] switch
                {
                    "path" => ParameterLocation.Path,
                    "query" => ParameterLocation.Query,
                    "header" => ParameterLocation.Header,
                    var other => throw new UnsupportedFeatureException($"a parameter in \"{other}\"", where),
                };
                // A method's parameter replaces the path item's of the same name and place (OpenAPI's rule).
                parameters.RemoveAll(e => e.In == location && string.Equals(e.Name, name, location == ParameterLocation.Header ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));
                parameters.Add(new RestApiParameter(name, location, location == ParameterLocation.Path || p["required"]?.GetValue<bool>() == true));
            }

        var models = new Dictionary<string, JsonSchemaModel>(StringComparer.OrdinalIgnoreCase);
        if (operation["requestBody"]?["content"] is JsonObject content)
            foreach (var (contentType, media) in content)
                if (media?["schema"] is JsonObject schema)
                    models[contentType] = JsonSchemaModel.Read(Dereference(schema, schemas, $"{where}.requestBody"), $"{where}.requestBody.content.{contentType}.schema");

        return new RestApiRoute(path, method, functionArn, IsIam(operation, definition, schemes, where),
            validator?["validateRequestParameters"]?.GetValue<bool>() == true, validator?["validateRequestBody"]?.GetValue<bool>() == true,
            parameters, models);
    }

    static bool IsIam(JsonObject operation, JsonObject definition, JsonObject schemes, string where)
    {
        if (string.Equals((string?)operation["x-amazon-apigateway-auth"]?["type"], "AWS_IAM", StringComparison.OrdinalIgnoreCase)) return true;
        var security = operation["security"] as JsonArray ?? definition["security"] as JsonArray ?? [];
        foreach (var requirement in security.OfType<JsonObject>())
            foreach (var (scheme, _) in requirement)
            {
                var declared = schemes[scheme] as JsonObject ?? throw new StatesDefinitionException($"{where}: security names the scheme \"{scheme}\", which components.securitySchemes does not declare");
                if (string.Equals((string?)declared["x-amazon-apigateway-authtype"], "awsSigv4", StringComparison.OrdinalIgnoreCase)) return true;
                throw new UnsupportedFeatureException($"the security scheme \"{scheme}\"", where, "only IAM (awsSigv4) auth is modelled locally");
            }
        return false;
    }

    static JsonObject Dereference(JsonObject schema, JsonObject schemas, string where)
    {
        if ((string?)schema["$ref"] is not { } reference) return schema;
        const string prefix = "#/components/schemas/";
        return reference.StartsWith(prefix, StringComparison.Ordinal) && schemas[reference[prefix.Length..]] is JsonObject target
            ? target
            : throw new StatesDefinitionException($"{where}: the model reference {reference} names no schema in components.schemas");
    }

    /// <summary>The function of <c>arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations</c>.</summary>
    static string FunctionArn(string uri, string where)
    {
        const string marker = ":lambda:path/2015-03-31/functions/";
        var start = uri.IndexOf(marker, StringComparison.Ordinal);
        return start > 0 && uri.EndsWith("/invocations", StringComparison.Ordinal) && uri.Length > start + marker.Length + "/invocations".Length
            ? uri[(start + marker.Length)..^"/invocations".Length]
            : throw new UnsupportedFeatureException($"the integration URI \"{uri}\"", where, "an aws_proxy integration invokes a Lambda function: arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations");
    }

    internal static string ShortId(string seed)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return string.Create(10, hash, (chars, bytes) =>
        {
            for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[bytes[i] % alphabet.Length];
        });
    }
}
