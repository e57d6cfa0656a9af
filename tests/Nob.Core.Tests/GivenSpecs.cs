using Nob.Core.Lifecycle;
using Nob.Core.Specs;

namespace Nob.Core.Tests;

/// <summary>A spec given along with a teardown, read as its handler reads it.</summary>
static class GivenSpecs
{
    public static GivenSpec Of(string json)
    {
        var read = SpecReader.Read(json);
        return new GivenSpec(json, read.Spec, read.Errors);
    }
}
