using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nob.Aws.Tests.Infrastructure;

/// <summary>
/// An official service model as shipped by botocore (Debian: python3-botocore; pip installs gzip it), loaded at run time.
/// </summary>
public sealed class BotocoreModel
{
    public const string InstallHint = "sudo apt-get install -y python3-botocore";
    private const string DebianDirectory = "/usr/lib/python3/dist-packages/botocore";

    private static readonly Lazy<BotocoreModel> LoadedMq = new(() => Load("data/mq/2017-11-27/service-2.json"));
    private static readonly Lazy<BotocoreModel> LoadedStepFunctions = new(() => Load("data/stepfunctions/2016-11-23/service-2.json"));

    private readonly JsonElement _shapes;
    private readonly JsonElement _operations;

    private BotocoreModel(string path, JsonDocument document)
    {
        Path = path;
        _shapes = document.RootElement.GetProperty("shapes");
        _operations = document.RootElement.GetProperty("operations");
        Metadata = document.RootElement.GetProperty("metadata");
    }

    public static BotocoreModel Mq => LoadedMq.Value;

    public static BotocoreModel StepFunctions => LoadedStepFunctions.Value;

    public string Path { get; }

    public JsonElement Metadata { get; }

    public Operation GetOperation(string name)
        => _operations.TryGetProperty(name, out var op) ? new Operation(this, name, op) : throw new KeyNotFoundException($"The model has no operation {name}.");

    public Shape GetShape(string name) => new(this, name, _shapes.GetProperty(name));

    /// <summary>The modelled errors: shape name and <c>error.httpStatusCode</c> (awsJson models often omit it: 400).</summary>
    public IReadOnlyList<(Shape Shape, int HttpStatusCode)> Errors()
        => _shapes.EnumerateObject()
            .Where(p => p.Value.TryGetProperty("exception", out var e) && e.ValueKind == JsonValueKind.True)
            .Select(p => (GetShape(p.Name), p.Value.TryGetProperty("error", out var error) && error.TryGetProperty("httpStatusCode", out var status) ? status.GetInt32() : 400))
            .ToList();

    /// <summary>The error shapes an operation lists.</summary>
    public IReadOnlyList<string> ErrorsOf(string operation)
        => _operations.GetProperty(operation).TryGetProperty("errors", out var errors) ? errors.EnumerateArray().Select(e => e.GetProperty("shape").GetString()!).ToList() : [];

    private static BotocoreModel Load(string relativePath)
    {
        var candidates = new List<string>();
        var fromPython = BotocoreDirectoryFromPython();
        if (fromPython is not null)
        {
            candidates.Add(System.IO.Path.Combine(fromPython, relativePath));
            candidates.Add(System.IO.Path.Combine(fromPython, relativePath + ".gz"));
        }

        candidates.Add(System.IO.Path.Combine(DebianDirectory, relativePath));
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                using var file = File.OpenRead(candidate);
                using Stream content = candidate.EndsWith(".gz", StringComparison.Ordinal) ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress) : file;
                return new BotocoreModel(candidate, JsonDocument.Parse(content));
            }
        }

        throw new InvalidOperationException(
            $"The botocore model {relativePath} was not found (looked at: {string.Join(", ", candidates)}). "
            + $"Install it with: {InstallHint}");
    }

    private static string? BotocoreDirectoryFromPython()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("python3", ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(10_000);
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }

    public sealed class Operation(BotocoreModel model, string name, JsonElement element)
    {
        public string Name => name;

        public string HttpMethod => element.GetProperty("http").GetProperty("method").GetString()!;

        public string RequestUri => element.GetProperty("http").GetProperty("requestUri").GetString()!;

        public Shape? Input => element.TryGetProperty("input", out var i) ? model.GetShape(i.GetProperty("shape").GetString()!) : null;

        public Shape? Output => element.TryGetProperty("output", out var o) ? model.GetShape(o.GetProperty("shape").GetString()!) : null;
    }

    public sealed record Member(string Name, string LocationName, string? Location, Shape Shape);

    public sealed class Shape(BotocoreModel model, string name, JsonElement element)
    {
        public string Name => name;

        public string Type => element.GetProperty("type").GetString()!;

        public IReadOnlyList<string> Required
            => element.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!).ToList() : [];

        public IReadOnlyList<Member> Members
            => element.TryGetProperty("members", out var m)
                ? m.EnumerateObject().Select(p => new Member(
                    p.Name,
                    p.Value.TryGetProperty("locationName", out var ln) ? ln.GetString()! : p.Name,
                    p.Value.TryGetProperty("location", out var loc) ? loc.GetString() : null,
                    model.GetShape(p.Value.GetProperty("shape").GetString()!))).ToList()
                : [];

        public Shape ListMember => model.GetShape(element.GetProperty("member").GetProperty("shape").GetString()!);

        public Shape MapValue => model.GetShape(element.GetProperty("value").GetProperty("shape").GetString()!);

        public IReadOnlyList<string> Enum
            => element.TryGetProperty("enum", out var e) ? e.EnumerateArray().Select(x => x.GetString()!).ToList() : [];

        public long? Min => element.TryGetProperty("min", out var v) ? v.GetInt64() : null;

        public long? Max => element.TryGetProperty("max", out var v) ? v.GetInt64() : null;

        public string? TimestampFormat => element.TryGetProperty("timestampFormat", out var v) ? v.GetString() : null;

        public IEnumerable<Member> BodyMembers => Members.Where(m => m.Location is null);

        public Member? MemberByLocationName(string locationName, string? location = null)
            => Members.FirstOrDefault(m => m.LocationName == locationName && m.Location == location);

        public Member? MemberByName(string memberName) => Members.FirstOrDefault(m => m.Name == memberName);
    }

    // ---- validation of a JSON body against a shape -------------------------------------------------------

    /// <summary>
    /// Problems of <paramref name="json"/> as a value of <paramref name="shape"/>: unknown members (by exact
    /// locationName), wrong JSON types, missing required members — recursively. Empty when it conforms.
    /// </summary>
    public static List<string> Validate(JsonElement json, Shape shape, string path = "$")
    {
        var problems = new List<string>();
        ValidateInto(json, shape, path, problems);
        return problems;
    }

    private static void ValidateInto(JsonElement json, Shape shape, string path, List<string> problems)
    {
        switch (shape.Type)
        {
            case "structure":
                if (json.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{path}: expected object for {shape.Name}, got {json.ValueKind}");
                    return;
                }

                foreach (var property in json.EnumerateObject())
                {
                    var member = shape.MemberByLocationName(property.Name);
                    if (member is null)
                    {
                        problems.Add($"{path}.{property.Name}: not a body member of {shape.Name}");
                        continue;
                    }

                    ValidateInto(property.Value, member.Shape, $"{path}.{property.Name}", problems);
                }

                foreach (var required in shape.Required)
                {
                    var member = shape.MemberByName(required)!;
                    if (member.Location is null && !json.TryGetProperty(member.LocationName, out _))
                    {
                        problems.Add($"{path}: required member {member.LocationName} of {shape.Name} is missing");
                    }
                }

                break;
            case "list":
                if (json.ValueKind != JsonValueKind.Array)
                {
                    problems.Add($"{path}: expected array for {shape.Name}, got {json.ValueKind}");
                    return;
                }

                var i = 0;
                foreach (var item in json.EnumerateArray())
                {
                    ValidateInto(item, shape.ListMember, $"{path}[{i++}]", problems);
                }

                break;
            case "map":
                if (json.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{path}: expected object (map) for {shape.Name}, got {json.ValueKind}");
                    return;
                }

                foreach (var property in json.EnumerateObject())
                {
                    ValidateInto(property.Value, shape.MapValue, $"{path}[{property.Name}]", problems);
                }

                break;
            case "string":
                if (json.ValueKind != JsonValueKind.String)
                {
                    problems.Add($"{path}: expected string for {shape.Name}, got {json.ValueKind}");
                }
                else if (shape.Enum.Count > 0 && !shape.Enum.Contains(json.GetString()!))
                {
                    problems.Add($"{path}: '{json.GetString()}' is not one of {shape.Name}'s values");
                }

                break;
            case "integer" or "long":
                if (json.ValueKind != JsonValueKind.Number || !json.TryGetInt64(out var n))
                {
                    problems.Add($"{path}: expected integer for {shape.Name}, got {json.ValueKind}");
                }
                else if ((shape.Min is { } min && n < min) || (shape.Max is { } max && n > max))
                {
                    problems.Add($"{path}: {n} is outside {shape.Name}'s range");
                }

                break;
            case "boolean":
                if (json.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    problems.Add($"{path}: expected boolean for {shape.Name}, got {json.ValueKind}");
                }

                break;
            case "timestamp":
                var expected = shape.TimestampFormat == "iso8601" ? JsonValueKind.String : JsonValueKind.Number;
                if (json.ValueKind != expected)
                {
                    problems.Add($"{path}: expected {expected} timestamp for {shape.Name}, got {json.ValueKind}");
                }

                break;
            default:
                problems.Add($"{path}: shape type {shape.Type} is not handled by this test");
                break;
        }
    }

    // ---- generating a response from an output shape --------------------------------------------------------

    /// <summary>The configuration XML that generated <c>data</c> members carry (base64).</summary>
    public const string SampleXml = "<broker xmlns=\"http://activemq.apache.org/schema/core\"><plugins/></broker>";

    /// <summary>A JSON value of <paramref name="shape"/> with every member present (lists and maps have one item).</summary>
    public static string Generate(Shape shape)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteValue(writer, shape, shape.Name);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter w, Shape shape, string name)
    {
        switch (shape.Type)
        {
            case "structure":
                w.WriteStartObject();
                foreach (var member in shape.BodyMembers)
                {
                    w.WritePropertyName(member.LocationName);
                    WriteValue(w, member.Shape, member.LocationName);
                }

                w.WriteEndObject();
                break;
            case "list":
                w.WriteStartArray();
                WriteValue(w, shape.ListMember, name);
                w.WriteEndArray();
                break;
            case "map":
                w.WriteStartObject();
                w.WritePropertyName("key-1");
                WriteValue(w, shape.MapValue, name);
                w.WriteEndObject();
                break;
            case "string":
                w.WriteStringValue(
                    shape.Enum.Count > 0 ? shape.Enum[0]
                    : name == "data" ? Convert.ToBase64String(Encoding.UTF8.GetBytes(SampleXml))
                    : name + "-value");
                break;
            case "integer" or "long":
                w.WriteNumberValue(Math.Min(Math.Max(7, shape.Min ?? 7), shape.Max ?? long.MaxValue));
                break;
            case "boolean":
                w.WriteBooleanValue(true);
                break;
            case "timestamp":
                if (shape.TimestampFormat == "iso8601")
                {
                    w.WriteStringValue("2024-05-06T07:08:09.123Z");
                }
                else
                {
                    w.WriteNumberValue(1714979289.123m);
                }

                break;
            default:
                throw new NotSupportedException($"shape type {shape.Type}");
        }
    }

    /// <summary>A value as the wire writes it (booleans in lower case, as JSON and query strings carry them).</summary>
    public static string FormatInvariant(object value)
        => value is bool b ? (b ? "true" : "false") : Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
}
