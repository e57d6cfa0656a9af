using System.Reflection;
using System.Text.Json;
using Amazon.Runtime;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;
using Nob.Aws.Tests.Infrastructure;

namespace Nob.Aws.Tests;

/// <summary>
/// Every operation the client sends, checked against botocore's official Amazon MQ model: method and path,
/// query and body members (names, casing, JSON types, required members), SigV4 scope, and that every member
/// the unmarshaller reads exists in the output shape (the response is generated from the model; whatever the
/// client exposes must come back populated).
/// </summary>
public class ModelContractTests
{
    // Request properties whose model member has another name.
    private static readonly Dictionary<string, string> ModelMemberOf = new(StringComparer.Ordinal)
    {
        ["UpdateConfigurationRequest.Xml"] = "Data",
    };

    public static TheoryData<string> Operations()
    {
        var data = new TheoryData<string>();
        foreach (var c in Samples.All)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Fact]
    public void Model_Metadata_IsRestJsonSignedAsMq()
    {
        var metadata = BotocoreModel.Mq.Metadata;
        Assert.Equal("rest-json", metadata.GetProperty("protocol").GetString());
        Assert.Equal(AmazonMqConfig.Identity.SigningName, metadata.GetProperty("signingName").GetString());
        Assert.Equal(AmazonMqConfig.Identity.ServiceId, metadata.GetProperty("serviceId").GetString());
        Assert.Equal(AmazonMqConfig.Identity.ApiVersion, metadata.GetProperty("apiVersion").GetString());
        Assert.Equal(AmazonMqConfig.Identity.EndpointPrefix, metadata.GetProperty("endpointPrefix").GetString());
    }

    [Fact]
    public async Task ModelErrors_EachModelledError_MapsToTypedExceptionWithMessageAndAttribute()
    {
        var errors = BotocoreModel.Mq.Errors();
        Assert.NotEmpty(errors);
        foreach (var (shape, status) in errors)
        {
            Assert.Equal(["errorAttribute", "message"], shape.Members.Select(m => m.LocationName).Order());
            using var server = new CapturingServer(CannedResponse.Error(status, shape.Name, "the message of " + shape.Name, "the attribute"));
            using var client = TestClients.For(server, maxErrorRetry: 0);

            var e = await Assert.ThrowsAnyAsync<AmazonMqException>(() => client.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = "b-1" }));

            Assert.Equal("Mq" + shape.Name, e.GetType().Name);
            Assert.Equal("the message of " + shape.Name, e.Message);
            Assert.Equal("the attribute", e.ErrorAttribute);
            Assert.Equal(shape.Name, e.ErrorCode);
            Assert.Equal(status, (int)e.StatusCode);
        }
    }

    [Fact]
    public void Samples_CoverEveryClientOperation_OneCaseEach()
    {
        var methods = typeof(IAmazonMqClient).GetMethods().Select(m => m.Name.Replace("Async", string.Empty, StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(methods, Samples.All.Select(c => c.Name).Order().ToList());
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Sample_OfOperation_SetsEveryRequestProperty(string operation)
    {
        var request = Samples.Get(operation).Request;
        var unset = RequestProperties(request).Where(p => p.GetValue(request) is null).Select(p => p.Name).ToList();
        Assert.True(unset.Count == 0, $"{operation}: the sample leaves {string.Join(", ", unset)} unset, so the contract test would not see them");
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Operation_SentToCapturingServer_ConformsToBotocoreModel(string operation)
    {
        var model = BotocoreModel.Mq.GetOperation(operation);
        var sample = Samples.Get(operation);
        var input = model.Input!;
        var output = model.Output;
        using var server = new CapturingServer(CannedResponse.Json(output is null ? "" : BotocoreModel.Generate(output)));
        using var client = TestClients.For(server);

        var response = await sample.Call(client, sample.Request);

        var sent = server.Single();
        var problems = new List<string>();

        // Method and path: the model's requestUri with every {label} filled with the URL-encoded member.
        if (sent.Method != model.HttpMethod)
        {
            problems.Add($"method {sent.Method}, model says {model.HttpMethod}");
        }

        var expectedPath = model.RequestUri;
        foreach (var member in input.Members.Where(m => m.Location == "uri"))
        {
            var value = ValueOfModelMember(sample.Request, member.Name);
            if (value is null)
            {
                problems.Add($"required path member {member.Name} is not set");
                continue;
            }

            expectedPath = expectedPath.Replace("{" + member.LocationName + "}", Uri.EscapeDataString(BotocoreModel.FormatInvariant(value)), StringComparison.Ordinal);
        }

        if (sent.RawPath != expectedPath)
        {
            problems.Add($"path {sent.RawPath}, expected {expectedPath} (model {model.RequestUri})");
        }

        // Query: only the model's querystring members, with the request's values.
        foreach (var (name, value) in sent.Query)
        {
            var member = input.MemberByLocationName(name, "querystring");
            if (member is null)
            {
                problems.Add($"query parameter {name} is not a querystring member of {input.Name}");
            }
            else if (BotocoreModel.FormatInvariant(ValueOfModelMember(sample.Request, member.Name)!) != value)
            {
                problems.Add($"query parameter {name}={value} does not carry the request's value");
            }
        }

        // Body: exact member names, JSON types and required members, recursively.
        if (sent.Body.Length > 0)
        {
            Assert.Equal("application/json", sent.Header("Content-Type"));
            using var body = JsonDocument.Parse(sent.Body);
            problems.AddRange(BotocoreModel.Validate(body.RootElement, input));
        }
        else
        {
            problems.AddRange(input.Required.Select(input.MemberByName).Where(m => m!.Location is null).Select(m => $"required body member {m!.LocationName} is missing (no body)"));
        }

        // Every property of the request maps to a model member and was sent where the model puts it.
        using (var sentBody = JsonDocument.Parse(sent.Body.Length > 0 ? sent.Body : "{}"))
        {
            foreach (var property in RequestProperties(sample.Request))
            {
                var memberName = ModelMemberOf.GetValueOrDefault($"{sample.Request.GetType().Name}.{property.Name}", property.Name);
                var member = input.MemberByName(memberName);
                if (member is null)
                {
                    problems.Add($"request property {property.Name} has no member {memberName} in {input.Name}");
                    continue;
                }

                var sentIt = member.Location switch
                {
                    "uri" => model.RequestUri.Contains("{" + member.LocationName + "}", StringComparison.Ordinal),
                    "querystring" => sent.Query.ContainsKey(member.LocationName),
                    null => sentBody.RootElement.TryGetProperty(member.LocationName, out _),
                    _ => false,
                };
                if (!sentIt)
                {
                    problems.Add($"request property {property.Name} was not sent as {member.Location ?? "body"} member {member.LocationName}");
                }
            }
        }

        // Required querystring members (none of ours today, but the model decides).
        foreach (var required in input.Required.Select(input.MemberByName).Where(m => m!.Location == "querystring"))
        {
            if (!sent.Query.ContainsKey(required!.LocationName))
            {
                problems.Add($"required query member {required.LocationName} is missing");
            }
        }

        // SigV4 with the mq signing name.
        var authorization = sent.Header("Authorization") ?? string.Empty;
        if (!authorization.StartsWith($"AWS4-HMAC-SHA256 Credential={TestClients.AccessKeyId}/", StringComparison.Ordinal)
            || !authorization.Contains($"/{TestClients.Region}/mq/aws4_request", StringComparison.Ordinal)
            || !authorization.Contains("Signature=", StringComparison.Ordinal))
        {
            problems.Add($"Authorization header is not SigV4 for mq: '{authorization}'");
        }

        if (string.IsNullOrEmpty(sent.Header("X-Amz-Date")))
        {
            problems.Add("X-Amz-Date header missing");
        }

        // Response: everything the client exposes was found in the model-generated output.
        GeneratedResponse.AssertPopulated(response, operation + "Response", typeof(BrokerSummary).Namespace, problems);

        Assert.True(problems.Count == 0, $"{operation}:\n  " + string.Join("\n  ", problems));
    }

    private static IEnumerable<PropertyInfo> RequestProperties(AmazonMqRequest request)
        => request.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.DeclaringType is not null && p.DeclaringType.Namespace == typeof(AmazonMqRequest).Namespace && p.GetIndexParameters().Length == 0);

    private static object? ValueOfModelMember(AmazonMqRequest request, string memberName)
    {
        var propertyName = ModelMemberOf.FirstOrDefault(kv => kv.Key.StartsWith(request.GetType().Name + ".", StringComparison.Ordinal) && kv.Value == memberName).Key?.Split('.')[1]
            ?? memberName;
        return request.GetType().GetProperty(propertyName)?.GetValue(request);
    }
}
