using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Axme.Api.Tests.Fuzz;

/// <summary>One operation of the node's OpenAPI document: a method and a path template such as /v1/intents/{intent_id}.</summary>
public sealed partial record FuzzOperation(string Method, string Template)
{
    public IReadOnlyList<string> PathParameters => Parameter().Matches(Template).Select(m => m.Groups[1].Value).ToArray();
    public bool TakesBody => Method is "POST" or "PUT" or "PATCH";
    public bool IsStream => Template.EndsWith("/stream", StringComparison.Ordinal);

    /// <summary>The operations of an OpenAPI 3 document (paths → methods).</summary>
    public static IReadOnlyList<FuzzOperation> FromOpenApi(JsonObject document) =>
        document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject()
                .Where(m => m.Key is "get" or "post" or "put" or "patch" or "delete")
                .Select(m => new FuzzOperation(m.Key.ToUpperInvariant(), p.Key)))
            .OrderBy(o => o.Template, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal)
            .ToArray();

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex Parameter();
}

/// <summary>A generated request; Kind says which mutation made it (the failure message shows it to reproduce).</summary>
public sealed record FuzzRequest(string Kind, string Method, string Path, byte[]? Body, IReadOnlyList<(string Name, string Value)> Headers)
{
    public override string ToString()
    {
        var body = Body is null ? "" : " body=" + (Body.Length > 300 ? Encoding.UTF8.GetString(Body, 0, 300) + "…" : Encoding.UTF8.GetString(Body));
        var headers = Headers.Count == 0 ? "" : " headers=" + string.Join(", ", Headers.Select(h => $"{h.Name}: {Clip(h.Value)}"));
        return $"[{Kind}] {Method} {Clip(Path)}{headers}{body}";
    }

    private static string Clip(string s) => s.Length > 200 ? s[..200] + "…" : s;
}

/// <summary>
/// Malformed and adversarial requests for the node's operations, from a seed (a failure names its seed and request,
/// so it reproduces). <see cref="Invalid"/> makes requests that no endpoint may accept: the node must refuse each with
/// a 4xx and write nothing. <see cref="Any"/> makes requests of every kind, valid ones included, against real ids:
/// the node must never answer 5xx.
/// </summary>
public sealed class InputFuzzer(int seed, IReadOnlyDictionary<string, string> realIds)
{
    private readonly Random _rng = new(seed);

    /// <summary>Field names the node's readers know (bodies, queries, MCP arguments), so values reach real parsers.</summary>
    public static readonly string[] Fields =
    [
        "active", "actor", "address", "agents", "approve_current_step", "assignee", "assignees", "bundle", "callback_url", "comment",
        "compatibility_mode", "controls_patch", "correlation_id", "created_by_actor_id", "cursor", "data", "deadline_at", "decision",
        "delegate_to", "delivery_mode", "description", "details", "display_name", "dry_run", "email", "envelope_patch", "error",
        "escalate_to", "event_type", "event_types", "expected_policy_generation", "expires_at", "from_agent", "grants_patch",
        "human_task", "humans", "idempotency_key", "include_inactive", "intent", "intent_id", "intent_type", "internal_handler",
        "lease_seconds", "limit", "max", "max_delivery_attempts", "max_reminders", "message", "message_ids", "mode", "name", "note",
        "older_than_hours", "org_id", "outcome", "owner_agent", "payload", "percent", "reason", "remind_after_seconds",
        "remind_interval_seconds", "reply_to", "result", "roles", "runtime_config", "runtime_type", "scenario_id", "schema",
        "schema_ref", "scope", "secret", "semantic_type", "since", "source", "status", "status_filter", "steps", "task_result",
        "task_type", "teams", "text", "thread_id", "timeout_seconds", "title", "to", "to_agent", "ttl_seconds", "url", "wait_seconds",
        "webhook_url", "workflow", "workspace_id",
    ];

    private static readonly string[] BadQueryValues =
    [
        "", " ", "-1", "0", "1.5", "1e400", "-1e400", "NaN", "99999999999999999999999", "2147483648", "-9223372036854775809",
        "99999999999999999999999:00000000-0000-0000-0000-000000000000", "abc:def", ":", "[", "]", "{}", "[\"a\"]", "null", "true",
        "agent://", "agent://a/b/c/d", "😀", "a,b,,", "PENDING,bogus", "‮rtl", new string('x', 3000), "%", "%%", "'; drop table x;--",
    ];

    private static readonly string[] BadIds =
    [
        "00000000-0000-0000-0000-000000000000", "not-a-uuid", "0", "-1", "99999999999999999999", "a b", "..", "...", "😀",
        "agent:%2F%2Fa%2Fb%2Fc", "%2e%2e%2f", new string('z', 2000), "null", "sa_", "sak_", "{id}", "%25", "1e400",
    ];

    /// <summary>A request no endpoint may accept (a 4xx, nothing written); bodyOnly: only its body is wrong.</summary>
    public FuzzRequest Invalid(FuzzOperation op, bool bodyOnly = false)
    {
        var kinds = new List<string>();
        if (!bodyOnly) kinds.AddRange(["nul-query", "control-query"]);
        if (op.PathParameters.Count > 0 && !bodyOnly) kinds.AddRange(["blank-path-id", "nul-path-id"]);
        if (op.TakesBody)
            kinds.AddRange(["malformed-json", "duplicate-key", "nested-duplicate-key", "lone-surrogate-key", "lone-surrogate-value",
                "invalid-utf8", "nul-string", "nul-key", "non-finite-number", "too-deep", "non-object"]);
        var kind = Pick(kinds);
        var path = Path(op, real: false);
        return kind switch
        {
            "nul-query" => new(kind, op.Method, $"{path}?{Pick(Fields)}=a%00b", op.TakesBody ? Utf8("{}") : null, []),
            "control-query" => new(kind, op.Method, $"{path}?{Pick(Fields)}=a%0{_rng.Next(1, 9)}b", op.TakesBody ? Utf8("{}") : null, []),
            "blank-path-id" => new(kind, op.Method, Path(op, real: false, replace: Pick(["%20", "%20%20", "%09", "%0A", "%20%09%20"])), null, []),
            "nul-path-id" => new(kind, op.Method, Path(op, real: false, replace: Pick(["%00", "a%00", "%00b"])), null, []),
            _ => new(kind, op.Method, path, InvalidBody(kind), []),
        };
    }

    /// <summary>Any request: wrong types, missing or odd fields, huge and nested values, garbage headers, real and fake ids.</summary>
    public FuzzRequest Any(FuzzOperation op)
    {
        var real = _rng.Next(3) > 0;
        var path = Path(op, real);
        var query = new List<string>();
        for (var i = _rng.Next(4); i > 0; i--)
            query.Add($"{Pick(Fields)}={Uri.EscapeDataString(_rng.Next(2) == 0 ? Pick(BadQueryValues) : Scalar())}");
        if (op.IsStream) query.Add("wait_seconds=1");
        if (query.Count > 0) path += "?" + string.Join("&", query);
        var headers = new List<(string, string)>();
        if (_rng.Next(4) == 0) headers.Add(("Idempotency-Key", Pick(["k", "", " ", new string('k', 400), Guid.NewGuid().ToString(), "a\tb"])));
        if (_rng.Next(6) == 0) headers.Add(("Last-Event-ID", Pick(BadQueryValues.Where(v => v.All(c => c < 128)).ToArray())));
        if (_rng.Next(6) == 0) headers.Add(("x-owner-agent", Pick(["agent://x/y/z", "bogus", "agent://", " ", realIds.GetValueOrDefault("address", "a")])));
        if (_rng.Next(8) == 0) headers.Add(("Content-Type", Pick(["text/plain", "application/xml", "application/json; charset=latin1", "multipart/form-data", "garbage"])));
        byte[]? body = null;
        if (op.TakesBody || _rng.Next(10) == 0)
            body = _rng.Next(6) == 0 ? InvalidBody(Pick(["malformed-json", "duplicate-key", "lone-surrogate-value", "invalid-utf8", "non-finite-number", "too-deep", "non-object"]))
                : Utf8(RandomObject(depth: 0).ToJsonString());
        return new("any", op.Method, path, body, headers);
    }

    private string Path(FuzzOperation op, bool real, string? replace = null)
    {
        var path = op.Template;
        var target = replace is null || op.PathParameters.Count == 0 ? null : Pick(op.PathParameters.ToArray());
        foreach (var name in op.PathParameters)
        {
            var value = name == target ? replace!
                : real && RealId(op.Template, name) is { } id ? Uri.EscapeDataString(id)
                : Pick(BadIds) is var bad && bad.Contains('%') ? bad : Uri.EscapeDataString(bad);
            path = path.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }
        return path;
    }

    /// <summary>A real id for a path parameter, by its name and where it sits (a service account's {id} is not an intent's).</summary>
    private string? RealId(string template, string name)
    {
        var n = name.ToLowerInvariant();
        var key = n.Contains("intent") || (n == "id" && template.Contains("/intents/")) ? "intent"
            : n.Contains("address") || n.Contains("agent") ? "address"
            : n.Contains("key") ? "key"
            : n == "id" && template.Contains("/service-accounts/") ? "service_account"
            : n.Contains("service_account") ? "service_account"
            : n;
        return realIds.GetValueOrDefault(key);
    }

    private byte[] InvalidBody(string kind)
    {
        var field = Pick(Fields);
        return kind switch
        {
            "malformed-json" => Utf8(Pick(["{", "{\"a\":", "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":1,}", "[1,2", "{\"a\":tru}", "\"unterminated", "{}}", "{\"a\":01}", "{\"a\":.5}", "{\"a\":NaN}"])),
            "duplicate-key" => Utf8($"{{\"{field}\":\"x\",\"{field}\":{{}}}}"),
            "nested-duplicate-key" => Utf8($"{{\"{field}\":{{\"a\":[{{\"b\":1,\"b\":2}}]}}}}"),
            "lone-surrogate-key" => Utf8($"{{\"{Pick(["\\ud800", "a\\udc00", "\\udbff\\u0041"])}\":1}}"),
            "lone-surrogate-value" => Utf8($"{{\"{field}\":\"{Pick(["\\ud800", "x\\udfff", "\\ud83d\\u0041"])}\"}}"),
            "invalid-utf8" => [.. Utf8($"{{\"{field}\":\""), .. Pick<byte[]>([[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]), .. Utf8("\"}")],
            "nul-string" => Utf8($"{{\"{field}\":\"a\\u0000b\"}}"),
            "nul-key" => Utf8("{\"a\\u0000\":1}"),
            "non-finite-number" => Utf8($"{{\"{field}\":{Pick(["1e400", "-1e400", "1e99999"])}}}"),
            "too-deep" => Utf8($"{{\"{field}\":{new string('[', 200)}{new string(']', 200)}}}"),
            "non-object" => Utf8(Pick(["[]", "[{}]", "1", "\"s\"", "true", "null"])),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private JsonObject RandomObject(int depth)
    {
        var o = new JsonObject();
        for (var i = _rng.Next(depth == 0 ? 8 : 3); i > 0; i--) o[Pick(Fields)] = Value(depth + 1);
        return o;
    }

    private JsonNode? Value(int depth) => _rng.Next(depth > 3 ? 6 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(Pick([0, -1, 1, 2147483648d, -2147483649d, 1e300, -1e300, 1.5, 9.2233720368547758E+18, 1e-300, 86400d * 365 * 10000])),
        2 => JsonValue.Create(_rng.Next(2) == 0),
        3 or 4 => JsonValue.Create(Scalar()),
        5 => JsonValue.Create(Pick(BadQueryValues)),
        6 => new JsonArray(Enumerable.Range(0, _rng.Next(4)).Select(_ => Value(depth + 1)).ToArray()),
        _ => RandomObject(depth),
    };

    /// <summary>A string the node might take for real (ids, statuses, times, addresses) or one made to hurt.</summary>
    private string Scalar() => _rng.Next(14) switch
    {
        0 => realIds.GetValueOrDefault("intent", Guid.NewGuid().ToString()),
        1 => realIds.GetValueOrDefault("address", "agent://acme/prod/alpha"),
        2 => Pick(["COMPLETED", "FAILED", "CANCELED", "TIMED_OUT", "WAITING", "approve", "reject", "stream", "http", "poll", "inbox", "admin"]),
        3 => Pick(["2026-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "yesterday", "2026-13-45T99:99:99Z"]),
        4 => Pick(["http://127.0.0.1:1/x", "https://example.invalid/hook", "ftp://x", "javascript:alert(1)", "http://[::1]/"]),
        5 => new string('é', _rng.Next(1, 5000)),
        6 => "<script>alert(1)</script>",
        7 => "a\u0001\u001fb",
        8 => Pick(["acme", "prod", "Acme", "ACME", "a/b", "../x", "-", "_"]),
        9 => "bench.approval.v1",
        10 => Pick(["@", "x@example.com", "mailto:x@example.com"]),
        11 => new string('x', _rng.Next(4000, 20000)),
        _ => Guid.NewGuid().ToString("N")[.._rng.Next(1, 32)],
    };

    private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
