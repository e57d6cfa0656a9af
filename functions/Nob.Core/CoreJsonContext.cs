using System.Text.Json.Serialization;

namespace Nob.Core;

/// <summary>Source-generated JSON metadata: no reflection at run time (trimming and cold start).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class CoreJsonContext : JsonSerializerContext;
