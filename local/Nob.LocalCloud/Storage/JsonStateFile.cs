using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nob.LocalCloud.Storage;

/// <summary>One service's state as one JSON file in the data folder, replaced atomically (write, then rename) on each change.</summary>
internal sealed class JsonStateFile<T>(string path)
    where T : class, new()
{
    internal static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Path { get; } = path;

    public T Load()
    {
        if (!File.Exists(Path))
        {
            return new T();
        }

        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(Path), Options) ?? new T();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"the local cloud's state file {Path} is not valid JSON ({e.Message}); remove it to start empty", e);
        }
    }

    public void Save(T state)
    {
        var staging = Path + ".new";
        File.WriteAllText(staging, JsonSerializer.Serialize(state, Options));
        File.Move(staging, Path, overwrite: true);
    }
}
