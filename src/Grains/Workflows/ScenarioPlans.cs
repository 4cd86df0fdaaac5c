using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
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

    private readonly ConcurrentDictionary<(string Org, string Workspace, UInt128 Bundle), ScenarioCheck> _checks = new();

    public ScenarioCheck Compile(JsonObject bundle, Caller caller)
    {
        if (bundle["intent"] is not JsonObject intent || intent["payload"] is not (null or JsonObject)) return ScenarioCompiler.Compile(bundle, caller);
        var payload = intent["payload"];
        // Left out of the key by nulling it in place: removed and put back, it would move to the end of the caller's bundle.
        if (payload is not null) intent["payload"] = null;
        ScenarioCheck check;
        try
        {
            var key = KeyOf(bundle, caller);
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

    /// <summary>
    /// The workspace and the bundle's JSON, hashed from the thread's scratch buffer: as one string (the bundle's text,
    /// then the three joined, then their UTF-8) it was three copies of the bundle per apply.
    /// </summary>
    private static (string Org, string Workspace, UInt128 Bundle) KeyOf(JsonObject bundle, Caller caller)
    {
        using var scratch = JsonScratch.Take();
        var writer = scratch.Writer(default);
        bundle.WriteTo(writer);
        writer.Flush();
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(scratch.Written, hash);
        return (caller.OrgId, caller.WorkspaceId, BinaryPrimitives.ReadUInt128LittleEndian(hash));
    }
}
