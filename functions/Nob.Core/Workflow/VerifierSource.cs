namespace Nob.Core.Workflow;

/// <summary>Where bridge verification connects from.</summary>
public sealed record VerifierSource(string? SecurityGroupId, IReadOnlyList<string> PublicCidrs);
