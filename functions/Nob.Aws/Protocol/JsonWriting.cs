using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Amazon.Runtime.Internal;

namespace Nob.Aws.Protocol;

/// <summary>Writing request members by their wire names; an absent (null) member is left out, as the SDK does.</summary>
internal static class JsonWriting
{
    /// <summary>Sets the request's body to the JSON object <paramref name="writeMembers"/> writes, with <paramref name="contentType"/>.</summary>
    public static void WriteJsonBody(this IRequest request, string contentType, Action<Utf8JsonWriter> writeMembers)
    {
        request.Headers["Content-Type"] = contentType;
        var content = new PooledContentStream();
        request.ContentStream = content;
        using var writer = new Utf8JsonWriter(content.BufferWriter);
        writer.WriteStartObject();
        writeMembers(writer);
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Writes the object member <paramref name="name"/> with <paramref name="writeMembers"/>; a null <paramref name="value"/> is left out.</summary>
    public static void WriteOptionalObject<T>(this Utf8JsonWriter w, string name, T? value, Action<Utf8JsonWriter, T> writeMembers)
        where T : class
    {
        if (value is null)
        {
            return;
        }

        w.WriteStartObject(name);
        writeMembers(w, value);
        w.WriteEndObject();
    }

    public static void WriteStrings(this Utf8JsonWriter w, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    public static void WriteStringMap(this Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string>? values)
        => w.WriteOptionalObject(name, values, (o, map) =>
        {
            foreach (var (key, value) in map)
            {
                o.WriteString(key, value);
            }
        });

    public static void WriteOptional(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    public static void WriteOptional(this Utf8JsonWriter w, string name, bool? value)
    {
        if (value is not null)
        {
            w.WriteBoolean(name, value.Value);
        }
    }

    public static void WriteOptional(this Utf8JsonWriter w, string name, int? value)
    {
        if (value is not null)
        {
            w.WriteNumber(name, value.Value);
        }
    }
}

/// <summary>Checks of required request members, before anything is sent.</summary>
internal static class RequestMembers
{
    public static void Require([NotNull] string? value, string memberName)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The request member {memberName} is required.", memberName);
        }
    }
}
