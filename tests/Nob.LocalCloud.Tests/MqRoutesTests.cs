using System.IO.Compression;
using System.Text.Json;
using Nob.Aws.Tests.Infrastructure;
using Nob.LocalCloud.Mq;

namespace Nob.LocalCloud.Tests;

/// <summary>The local Amazon MQ endpoint's one route table against botocore's official Amazon MQ model.</summary>
public sealed class MqRoutesTests
{
    [Fact]
    public void Routes_EachRoute_IsTheModelledOperationOfItsMethodAndPath()
    {
        var model = BotocoreModel.Mq;
        foreach (var route in MqRoutes.All)
        {
            var operation = model.GetOperation(route.Operation);
            Assert.Equal((operation.HttpMethod, operation.RequestUri), (route.Method, "/v1/" + route.Pattern));
        }

        Assert.Equal(MqRoutes.All.Count, MqRoutes.All.Select(r => r.Operation).Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>Every modelled request, its path filled in: named as the operation it is when the endpoint serves it, "Unknown" when not.</summary>
    [Fact]
    public void OperationName_EveryModelledRequest_NamesItsOperationOrUnknown()
    {
        using var document = ReadModel(BotocoreModel.Mq.Path);
        var served = MqRoutes.All.Select(r => r.Operation).ToHashSet(StringComparer.Ordinal);
        var checkedOperations = 0;
        foreach (var operation in document.RootElement.GetProperty("operations").EnumerateObject())
        {
            var http = operation.Value.GetProperty("http");
            var uri = http.GetProperty("requestUri").GetString()!;
            var path = uri["/v1/".Length..].Split('/').Select(s => s.StartsWith('{') ? "x-" + s.Trim('{', '}') : s).ToList();

            var name = MqRoutes.OperationName(http.GetProperty("method").GetString()!, path);

            Assert.Equal(served.Contains(operation.Name) ? operation.Name : "Unknown", name);
            checkedOperations++;
        }

        Assert.True(checkedOperations > MqRoutes.All.Count, "the model has operations the endpoint does not serve (DeleteUser, ListTags, ...)");
    }

    private static JsonDocument ReadModel(string path)
    {
        using var file = File.OpenRead(path);
        using Stream content = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        return JsonDocument.Parse(content);
    }

    [Theory]
    [InlineData("GET", "brokers/b-1/reboot")]
    [InlineData("PATCH", "brokers/b-1")]
    [InlineData("GET", "brokers/b-1/users/u/extra")]
    [InlineData("GET", "")]
    public void OperationName_PathNoRouteMatches_Unknown(string method, string path) =>
        Assert.Equal("Unknown", MqRoutes.OperationName(method, path.Split('/', StringSplitOptions.RemoveEmptyEntries)));
}
