using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.LocalCloud.Api;
using Nob.StepFunctions;
using Nob.Testing;
using YamlDotNet.RepresentationModel;

namespace Nob.LocalCloud.Tests;

/// <summary>The networks API's routes, auth, validators and body model as read from template.yaml's OpenAPI definition.</summary>
public class RestApiDefinitionTests
{
    static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch"];

    static readonly SamTemplate Template = SamTemplate.Load(Repository.PathOf("template.yaml"), "us-east-1", "000000000000", "nob");

    static RestApiDefinition Api() => RestApiDefinition.From(Template, LocalCloud.NetworksApiLogicalId);

    /// <summary>The DefinitionBody's paths as YAML (tags kept on their nodes), independently of the reader under test.</summary>
    static YamlMappingNode TemplatePaths()
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(Repository.PathOf("template.yaml")))) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return (YamlMappingNode)root["Resources"]["NetworksApi"]["Properties"]["DefinitionBody"]["paths"];
    }

    [Fact]
    public void From_Template_RoutesAreTheTemplatesPathsAndMethods()
    {
        var expected = TemplatePaths().Children
            .SelectMany(p => ((YamlMappingNode)p.Value).Children.Keys.Cast<YamlScalarNode>()
                .Where(m => HttpMethods.Contains(m.Value))
                .Select(m => $"{m.Value!.ToUpperInvariant()} {((YamlScalarNode)p.Key).Value}"))
            .Order(StringComparer.Ordinal).ToList();

        var routes = Api().Routes.Select(r => $"{r.HttpMethod} {r.ResourcePath}").Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, routes);
    }

    [Fact]
    public void From_Template_EveryRouteIsIamAuthValidatedAndInvokesApiFunction()
    {
        var apiFunction = Template.Functions["ApiFunction"].Arn;
        Assert.All(Api().Routes, route =>
        {
            Assert.Equal(apiFunction, route.FunctionArn);
            Assert.True(route.IamAuth, $"{route.HttpMethod} {route.ResourcePath} is not IAM-authorised");
            Assert.True(route.ValidateParameters && route.ValidateBody, $"{route.HttpMethod} {route.ResourcePath} is not validated");
        });
    }

    [Fact]
    public void From_Template_RequiredParametersAreThePathsParameters()
    {
        Assert.All(Api().Routes, route =>
        {
            var pathParameters = route.Segments.Where(s => s.StartsWith('{')).Select(s => s[1..^1]).ToList();
            Assert.Equal(pathParameters, route.Parameters.Where(p => p.Required).Select(p => p.Name));
            Assert.All(route.Parameters.Where(p => p.Required), p => Assert.Equal(ParameterLocation.Path, p.In));
        });
        var post = Api().Routes.Single(r => r is { HttpMethod: "POST", ResourcePath: "/networks" });
        Assert.Contains(post.Parameters, p => p is { Name: "Idempotency-Key", In: ParameterLocation.Header, Required: false });
    }

    [Fact]
    public void From_Template_OnlyPostNetworksHasABodyModel()
    {
        var withModels = Api().Routes.Where(r => r.BodyModels.Count > 0).Select(r => $"{r.HttpMethod} {r.ResourcePath}");
        Assert.Equal(["POST /networks"], withModels);
        Assert.Equal(["application/json"], Api().Routes.Single(r => r.BodyModels.Count > 0).BodyModels.Keys);
    }

    [Fact]
    public void From_Template_StageAndIdAreStableAndApiGatewayShaped()
    {
        var api = Api();
        Assert.Equal("v1", api.Stage);
        Assert.Matches("^[a-z0-9]{10}$", api.Id);
        Assert.Equal(api.Id, Api().Id);
        Assert.NotEqual(api.Id, RestApiDefinition.From(SamTemplate.Load(Repository.PathOf("template.yaml"), "us-east-1", "000000000000", "other"), "NetworksApi").Id);
    }

    [Fact]
    public void SamTemplateApis_NetworksApi_IsTypedJsonWithIntrinsicsResolved()
    {
        var api = Template.Apis["NetworksApi"];
        var body = api.DefinitionBody;

        Assert.Equal("nob-networks", api.Name);
        Assert.Equal("v1", api.StageName);
        Assert.Empty(api.StageVariables); // cloudWatchRole is an !If of resources: only AWS resolves it
        Assert.Equal(JsonValueKind.True, body["x-amazon-apigateway-request-validators"]!["body-and-parameters"]!["validateRequestBody"]!.GetValueKind());
        Assert.Equal("1.0", (string?)body["info"]!["version"]);
        var header = body["paths"]!["/networks"]!["post"]!["parameters"]![0]!;
        Assert.Equal(JsonValueKind.Number, header["schema"]!["minLength"]!.GetValueKind());
        Assert.Equal(JsonValueKind.False, header["required"]!.GetValueKind());
        Assert.Equal($"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{Template.Functions["ApiFunction"].Arn}/invocations",
            (string?)body["paths"]!["/networks"]!["post"]!["x-amazon-apigateway-integration"]!["uri"]);
    }

    static JsonSchemaModel NetworkSpecBody() => Api().Routes.Single(r => r.BodyModels.Count > 0).BodyModels["application/json"];

    [Fact]
    public void NetworkSpecBody_ExampleSpec_IsAccepted()
    {
        Assert.True(NetworkSpecBody().Accepts(Repository.Example("tutorial")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"a spec\"")]
    [InlineData("{not json")]
    [InlineData("""{"networkName":"n","topology":{},"brokers":[]}""")]
    [InlineData("""{"networkName":7,"topology":{},"brokers":[],"user":{}}""")]
    [InlineData("""{"networkName":"n","topology":[],"brokers":[],"user":{}}""")]
    [InlineData("""{"networkName":"n","topology":{},"brokers":{},"user":{}}""")]
    public void NetworkSpecBody_NotASpecOutline_IsRefused(string body)
    {
        Assert.False(NetworkSpecBody().Accepts(body));
    }

    [Fact]
    public void NetworkSpecBody_OutlineOnly_IsAcceptedForTheFunctionToJudge()
    {
        Assert.True(NetworkSpecBody().Accepts("""{"networkName":"n","topology":{},"brokers":[],"user":{},"extra":1}"""));
    }

    static SamTemplate Inline(string definitionBody) => SamTemplate.Parse($$"""
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties: { Handler: "A::B::C", Runtime: dotnet8 }
          Api:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              DefinitionBody:
        {{definitionBody}}
        """, Path.GetTempPath());

    const string Paths = """
                openapi: "3.0.1"
                paths:
                  /things/{id}:
                    get:
        """;

    [Fact]
    public void From_NonProxyIntegration_IsRefused()
    {
        var template = Inline(Paths + """

                      x-amazon-apigateway-integration: { type: http, httpMethod: GET, uri: "http://example.com" }
        """);
        var error = Assert.Throws<UnsupportedFeatureException>(() => RestApiDefinition.From(template, "Api"));
        Assert.Contains("http", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_ModelKeywordNotChecked_IsRefused()
    {
        var template = Inline(Paths + """

                      requestBody: { content: { application/json: { schema: { type: object, oneOf: [{ required: [a] }] } } } }
                      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations" }
        """);
        var error = Assert.Throws<UnsupportedFeatureException>(() => RestApiDefinition.From(template, "Api"));
        Assert.Contains("oneOf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_InlineProxyRoute_ResolvesTheFunctionAndHasNoAuthWithoutSecurity()
    {
        var template = Inline(Paths + """

                      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations" }
        """);
        var route = Assert.Single(RestApiDefinition.From(template, "Api").Routes);
        Assert.Equal(template.Functions["Fn"].Arn, route.FunctionArn);
        Assert.False(route.IamAuth);
        Assert.False(route.ValidateParameters);
        Assert.Equal("prod", RestApiDefinition.From(template, "Api").Stage);
    }
}
