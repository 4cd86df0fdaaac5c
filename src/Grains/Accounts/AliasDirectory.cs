using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Accounts;

namespace Axme.Grains.Accounts;

/// <summary>
/// Where an intent addressed to an alias goes (docs/adr/024), on the create path of every intent. Per silo, each
/// address's answer (an alias's principal, or none) is kept for <see cref="Lifetime"/>: a create costs no grain call
/// most of the time; a bind or revoke clears the entry on the workspace grain's silo at once, other silos see it
/// within the lifetime; when the workspace grain cannot answer, the last answer is served (<see cref="LookupCache{T}"/>).
/// </summary>
public sealed class AliasDirectory(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly LookupCache<string?> _targets = new(time, Lifetime);

    public void Invalidate(string address) => _targets.Invalidate(address);

    /// <summary>The principal's address when an active alias has this address, else the address itself.</summary>
    public async ValueTask<string> ResolveAsync(string address)
    {
        // agent://org/workspace/name only: an alias lives in a workspace; other forms are opaque (PROTOCOL §6.1).
        if (!address.StartsWith(AgentAddress.Scheme, StringComparison.Ordinal)) return address;
        var parts = address[AgentAddress.Scheme.Length..].Split('/');
        if (parts.Length != 3) return address;
        return await _targets.GetAsync(address, async a =>
            (await grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(parts[0], parts[1])).FindAliasAsync(a))?.PrincipalAddress) ?? address;
    }
}
