using Nob.Core.Lifecycle;

namespace Nob.Functions;

// placeholder: replaced on merge
internal static partial class Composition
{
    public static INetworkStore Networks => throw new NotImplementedException("wired by the lifecycle branch");
}
