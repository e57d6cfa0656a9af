using Nob.Core.Specs;
using Nob.Core.Verification;

namespace Nob.Core.Workflow;

/// <summary>
/// Verify: for every pair the topology connects, a message sent on one broker must arrive on the other (over STOMP,
/// as the tutorial's last step does with a producer and a consumer). Any failed pair raises
/// <see cref="BridgeVerificationFailedException"/> naming the pair and its likely causes.
/// </summary>
public sealed class VerifyBridgeStep(IParameterStore parameters, IMessageProbe probe, TimeProvider time)
{
    public async Task<VerificationResult> RunAsync(NetworkSpec spec, NetworkPlanResult plan, CancellationToken cancellationToken)
    {
        if (!spec.Verification.Enabled) return new VerificationResult("SKIPPED", "verification.enabled is false", [], null);
        var stomp = plan.Brokers.ToDictionary(b => b.BrokerName, b => b.StompEndpoints, StringComparer.Ordinal);
        var password = await parameters.GetSecureStringAsync(spec.User.PasswordParameter, cancellationToken);
        var request = BridgeVerificationRequest.For(plan.Plan(spec), stomp, spec.User.Username, password);
        var options = BridgeVerificationOptions.For(spec.Verification) with { TimeProvider = time };
        var report = await new BridgeVerifier(probe, options).VerifyAsync(request, cancellationToken);
        var pairs = report.Pairs
            .Select(p => ResultLines.Pair(p.Sender, p.Receiver, p.Path, Math.Round(p.Latency?.TotalMilliseconds ?? 0)))
            .ToList();
        var slowest = report.Pairs.Count == 0 ? (double?)null : Math.Round(report.Pairs.Max(p => p.Latency?.TotalMilliseconds ?? 0), 1);
        return new VerificationResult("PASSED", $"{pairs.Count} pair(s) carried a message across the network", pairs, slowest);
    }
}
