using System.Text.Json.Serialization;

namespace Nob.Aws.Tests.Infrastructure;

[JsonSerializable(typeof(string))]
internal sealed partial class TestJson : JsonSerializerContext
{
}
