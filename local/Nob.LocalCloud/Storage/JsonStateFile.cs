using System.Text.Json;
using System.Text.Json.Serialization;
using Nob.LocalBrokers;

namespace Nob.LocalCloud.Storage;

/// <summary>
/// One service's state as one JSON file in the data folder (0600), replaced durably on each change: written to a new
/// file, flushed to disk, renamed into place, folder synced (<see cref="PrivateFiles.Write"/>), so an endpoint killed at
/// any moment, or a power loss, leaves the previous state or the new one, never a torn or empty file.
/// </summary>
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
        var json = JsonSerializer.SerializeToUtf8Bytes(state, Options);
        PrivateFiles.Write(Path, stream => stream.Write(json));
    }
}
