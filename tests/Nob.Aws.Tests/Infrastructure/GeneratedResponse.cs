using System.Collections;
using System.Reflection;
using Amazon.Runtime;

namespace Nob.Aws.Tests.Infrastructure;

/// <summary>
/// Checks a response read from a body generated from the botocore model (every member present, strings and lists
/// non-empty, booleans true): whatever the client exposes must come back populated, or it reads a member the model
/// does not have.
/// </summary>
internal static class GeneratedResponse
{
    /// <summary>Adds to <paramref name="problems"/> every property of <paramref name="value"/> (recursively, within <paramref name="modelNamespace"/>) that is null, empty or false.</summary>
    public static void AssertPopulated(object? value, string path, string? modelNamespace, List<string> problems)
    {
        switch (value)
        {
            case null:
                problems.Add($"{path} was not read from the model-generated response");
                return;
            case string s:
                if (s.Length == 0)
                {
                    problems.Add($"{path} is empty");
                }

                return;
            case bool b:
                if (!b)
                {
                    problems.Add($"{path} is false (generated true)");
                }

                return;
            case int or long or DateTimeOffset:
                return;
            case IDictionary dictionary:
                if (dictionary.Count == 0)
                {
                    problems.Add($"{path} is empty");
                }

                foreach (DictionaryEntry entry in dictionary)
                {
                    AssertPopulated(entry.Value, $"{path}[{entry.Key}]", modelNamespace, problems);
                }

                return;
            case IEnumerable sequence:
                var i = 0;
                foreach (var item in sequence)
                {
                    AssertPopulated(item, $"{path}[{i++}]", modelNamespace, problems);
                }

                if (i == 0)
                {
                    problems.Add($"{path} is empty");
                }

                return;
        }

        var type = value.GetType();
        if (type.Namespace != modelNamespace)
        {
            problems.Add($"{path}: unexpected type {type}");
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.DeclaringType == typeof(AmazonWebServiceResponse) || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            AssertPopulated(property.GetValue(value), $"{path}.{property.Name}", modelNamespace, problems);
        }
    }
}
