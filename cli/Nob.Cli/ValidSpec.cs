using Nob.Core.Specs;

namespace Nob.Cli;

/// <summary>A spec file's text and what <see cref="SpecReader"/> made of it (defaults applied).</summary>
public sealed record ValidSpec(string Json, NetworkSpec Spec);
