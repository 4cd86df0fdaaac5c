using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Workflows;

namespace Axme.Grains.Workflows;

/// <summary>
/// Compiled bundles by content. A scenario is applied again and again with only its intent's payload changing, so
/// the rest is compiled once per workspace (keyed by a hash of the bundle without intent.payload) and the payload
/// put into the cached plan. A bundle whose payload is not an object (an error of its own) is compiled every time.
/// </summary>
public sealed class ScenarioPlans
{
    /// <summary>Distinct compiled bundles kept; when full, the cache starts over.</summary>
    public const int Capacity = 512;

    private readonly ConcurrentDictionary<string, ScenarioCheck> _checks = new(StringComparer.Ordinal);

    public ScenarioCheck Compile(JsonObject bundle, Caller caller)
    {
        if (bundle["intent"] is not JsonObject intent || intent["payload"] is not (null or JsonObject)) return ScenarioCompiler.Compile(bundle, caller);
        var payload = intent["payload"];
        // Left out of the key by nulling it in place: removed and put back, it would move to the end of the caller's bundle.
        if (payload is not null) intent["payload"] = null;
        ScenarioCheck check;
        try
        {
            var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{caller.OrgId}\n{caller.WorkspaceId}\n{bundle.ToJsonString()}")));
            if (!_checks.TryGetValue(key, out check!))
            {
                check = ScenarioCompiler.Compile(bundle, caller);
                if (_checks.Count >= Capacity) _checks.Clear();
                _checks[key] = check;
            }
        }
        finally
        {
            if (payload is not null) intent["payload"] = payload;
        }
        return check.Plan is { } plan ? check with { Plan = plan with { PayloadJson = payload?.ToJsonString() ?? JsonText.EmptyObject } } : check;
    }
}
