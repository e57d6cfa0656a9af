using System.Text.RegularExpressions;

namespace Nob.Core.Specs;

/// <summary>The text patterns of the spec's names and IDs (the schema's <c>pattern</c>s).</summary>
internal static partial class SpecPatterns
{
    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,40}\z")]
    internal static partial Regex NetworkNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,50}\z")]
    internal static partial Regex BrokerNamePattern();

    [GeneratedRegex(@"^5\.\d{1,2}(\.\d{1,2})?\z")]
    internal static partial Regex EngineVersionPattern();

    [GeneratedRegex(@"^mq\.[a-z0-9]+\.[a-z0-9]+\z")]
    internal static partial Regex InstanceTypePattern();

    [GeneratedRegex(@"^subnet-[A-Za-z0-9]{1,40}\z")]
    internal static partial Regex SubnetPattern();

    [GeneratedRegex(@"^sg-[A-Za-z0-9]{1,40}\z")]
    internal static partial Regex SecurityGroupPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._~-]{2,100}\z")]
    internal static partial Regex UsernamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_./-]{1,1011}\z")]
    internal static partial Regex ParameterNamePattern();
}
