using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axme.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Axme.Api.Tests.Fuzz;

/// <summary>A node of its own for the fuzzer: a quiet database, so that any row a refused request wrote shows.</summary>
public sealed class FuzzNodeFixture() : NodeFixture("api-fuzz", new Dictionary<string, string>());

/// <summary>
/// Input fuzzing over the node's own OpenAPI document (issue 11): malformed and adversarial requests against a real
/// node. Requests no endpoint may accept must be refused with a 4xx error body and write nothing; any request at all
/// must never get a 5xx; MCP must answer bad input with -32700/-32600/-32602, never -32603. AXME_FUZZ_SCALE multiplies
/// the request counts (bench/fuzz.sh runs a larger count), AXME_FUZZ_SEED picks another seed.
/// </summary>
public sealed partial class InputFuzzTests(FuzzNodeFixture f, ITestOutputHelper output) : IClassFixture<FuzzNodeFixture>
{
    private static readonly int Scale = int.TryParse(Environment.GetEnvironmentVariable("AXME_FUZZ_SCALE"), out var s) && s > 0 ? s : 1;
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("AXME_FUZZ_SEED"), out var x) ? x : 20261204;

    [Fact]
    public async Task No_input_gets_a_5xx_and_a_refused_request_writes_nothing()
    {
        var operations = FuzzOperation.FromOpenApi((await f.Admin.GetJsonAsync("/openapi/v1.json")).Body)
            .Where(o => o.Template.StartsWith("/v1/", StringComparison.Ordinal) || o.Template.StartsWith("/inbox", StringComparison.Ordinal))
            .ToArray();
        Assert.True(operations.Length > 50, $"the OpenAPI document lists {operations.Length} operations");
        var ids = await RealIdsAsync();
        var failures = new List<string>();
        var counts = new Dictionary<int, int>();

        // 1. Requests no endpoint may accept, one at a time on a quiet node: each a 4xx, each leaves every table as it was.
        var tables = await TablesAsync();
        await QuietAsync(tables);
        var invalid = new InputFuzzer(Seed, ids);
        var invalidCount = 0;
        foreach (var op in operations)
            for (var i = 0; i < 8 * Scale; i++)
            {
                var request = invalid.Invalid(op);
                var before = await SnapshotAsync(tables);
                var (status, text) = await SendAsync(f.Admin, request);
                invalidCount++;
                Count(counts, status);
                if (status is < 400 or >= 500 || !IsErrorBody(request, status, text))
                    failures.Add($"refusable got {status}: {request} → {Clip(text)}");
                if (await SnapshotAsync(tables) != before)
                    failures.Add($"refused request wrote: {request} → {status}");
            }

        // 2. Anything, with real ids and two keys (the admin's and a workspace key), four at a time: never a 5xx.
        var any = new InputFuzzer(Seed + 1, ids);
        var requests = operations.SelectMany(op => Enumerable.Range(0, 40 * Scale).Select(_ => any.Any(op))).ToArray();
        var anyCount = 0;
        await Parallel.ForEachAsync(requests.Select((r, i) => (r, i)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (item, _) =>
        {
            var (status, text) = await SendAsync(item.i % 3 == 0 ? f.A : f.Admin, item.r);
            lock (failures)
            {
                anyCount++;
                Count(counts, status);
                if (status >= 500 || (status >= 400 && !IsErrorBody(item.r, status, text))) failures.Add($"got {status}: {item.r} → {Clip(text)}");
            }
        });

        // 3. MCP: malformed JSON-RPC and every tool with fuzzed arguments.
        var mcpCount = await FuzzMcpAsync(new InputFuzzer(Seed + 2, ids), failures);

        var logged = ErrorLogLines().ToArray();
        output.WriteLine($"seed {Seed}, scale {Scale}: {operations.Length} operations; {invalidCount} refusable + {anyCount} any + {mcpCount} MCP requests; " +
                         "statuses " + string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}×{c.Value}")));
        foreach (var failure in failures) output.WriteLine(failure);
        Assert.True(failures.Count == 0, $"{failures.Count} failures (seed {Seed}):\n" + string.Join("\n", failures.Take(40)));
        Assert.True(logged.Length == 0, "the node logged errors:\n" + string.Join("\n", logged.Take(20)));
    }

    private async Task<int> FuzzMcpAsync(InputFuzzer fuzzer, List<string> failures)
    {
        var tools = (await f.Admin.PostAsync("/mcp", new { jsonrpc = "2.0", id = 1, method = "tools/list" })).Body["result"]!["tools"]!.AsArray()
            .Select(t => t!["name"]!.GetValue<string>()).ToArray();
        Assert.NotEmpty(tools);
        var mcp = new FuzzOperation("POST", "/mcp");
        var count = 0;
        // Malformed messages, before and after authentication: parse error or invalid request, never internal.
        for (var i = 0; i < 40 * Scale; i++)
        {
            var request = fuzzer.Invalid(mcp, bodyOnly: true);
            foreach (var client in new[] { f.Admin, new HttpClient { BaseAddress = f.Node.BaseAddress } })
            {
                var (status, text) = await SendAsync(client, request);
                count++;
                var code = RpcErrorCode(text);
                if (status != 200 || code is not (-32700 or -32600 or -32602 or -32001))
                    failures.Add($"mcp malformed got {status} {code}: {request} → {Clip(text)}");
            }
        }
        foreach (var tool in tools)
            for (var i = 0; i < 20 * Scale; i++)
            {
                // The arguments are the fuzzer's body as it is (malformed ones make the whole message malformed: -32700).
                var arguments = i % 5 == 0 ? Encoding.UTF8.GetBytes("\"not an object\"") : fuzzer.Any(mcp).Body ?? "{}"u8.ToArray();
                var head = Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":{i},\"method\":\"tools/call\",\"params\":{{\"name\":\"{tool}\",\"arguments\":");
                var request = new FuzzRequest("mcp-tool", "POST", "/mcp", [.. head, .. arguments, .. "}}"u8.ToArray()], []);
                var (status, text) = await SendAsync(f.Admin, request);
                count++;
                if (status != 200 || RpcErrorCode(text) == -32603) failures.Add($"mcp tool {tool} got {status} {RpcErrorCode(text)}: {request} → {Clip(text)}");
            }
        return count;
    }

    /// <summary>Sends one request; a stream answers with its headers only (closed at once), anything else within 10 s.</summary>
    private static async Task<(int Status, string Text)> SendAsync(HttpClient client, FuzzRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        foreach (var (name, value) in request.Headers)
        {
            if (name == "Content-Type")
            {
                if (message.Content is not null) message.Content.Headers.TryAddWithoutValidation(name, value);
                if (message.Content is not null && message.Content.Headers.ContentType?.ToString() != value)
                {
                    message.Content.Headers.Remove(name);
                    message.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }
            else message.Headers.TryAddWithoutValidation(name, value);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream") return ((int)response.StatusCode, "");
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (599, "no answer within 10 s"); // counted as a 5xx: a request must not hang the node's answer
        }
    }

    /// <summary>
    /// A /v1 refusal carries the §4.1 error body; the web inbox answers its pages in HTML. Kestrel itself refuses, with
    /// a bare status before the application sees the request, a path with an encoded NUL (400) and a request line
    /// longer than its limit (414).
    /// </summary>
    private static bool IsErrorBody(FuzzRequest request, int status, string text)
    {
        if (!request.Path.StartsWith("/v1/", StringComparison.Ordinal)) return true;
        if (text.Length == 0 && KestrelRefusal(request, status)) return true;
        try
        {
            return JsonNode.Parse(text) is JsonObject o && o["ok"]?.GetValue<bool>() == false && o["error"]?["code"] is JsonValue
                   && o["error"]?["message"] is JsonValue;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool KestrelRefusal(FuzzRequest request, int status) =>
        status == 414 || (status == 400 && request.Path.Split('?')[0].Contains("%00", StringComparison.Ordinal));

    private static int? RpcErrorCode(string text)
    {
        try
        {
            return JsonNode.Parse(text)?["error"]?["code"] is JsonValue v && v.TryGetValue<int>(out var code) ? code : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Real ids for the second phase: an intent, a service account, its key and its agent.</summary>
    private async Task<IReadOnlyDictionary<string, string>> RealIdsAsync()
    {
        var sa = (await f.Admin.PostAsync("/v1/service-accounts", new { org_id = "acme", workspace_id = "prod", name = "fuzz-target" })).Ok();
        var saId = sa["service_account"]!["service_account_id"]!.GetValue<string>();
        var key = (await f.Admin.PostAsync($"/v1/service-accounts/{saId}/keys", new { })).Ok()["key"]!["key_id"]!.GetValue<string>();
        var intent = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.fuzz.target.v1", to_agent = f.AgentA, payload = new { a = 1 } })).Ok();
        return new Dictionary<string, string>
        {
            ["intent"] = intent["intent_id"]!.GetValue<string>(), ["service_account"] = saId, ["key"] = key, ["address"] = f.AgentA,
        };
    }

    private static void Count(Dictionary<int, int> counts, int status) => counts[status] = counts.GetValueOrDefault(status) + 1;

    private static string Clip(string s) => s.Length > 300 ? s[..300] + "…" : s;

    /// <summary>Error and critical entries of the node's log (the console logger's "fail:" and "crit:" lines).</summary>
    private IEnumerable<string> ErrorLogLines()
    {
        var lines = f.Node.Output.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].StartsWith("fail:", StringComparison.Ordinal) || lines[i].StartsWith("crit:", StringComparison.Ordinal))
                yield return lines[i] + (i + 1 < lines.Length ? " " + lines[i + 1].Trim() : ""); // the console logger puts the message on the next line
    }

    /// <summary>The node's tables whose rows a request could write (not the cluster membership, which the silo refreshes itself).</summary>
    private async Task<string[]> TablesAsync()
    {
        await using var conn = new NpgsqlConnection(f.Database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'orleansmembership%' " +
            // The audit log records refused attempts by design (ADR 028): a row there is not state a refusal changed.
            "AND tablename <> 'axme_audit_events' " +
            // Usage counts every request, refused ones too (ADR 029), flushed a few seconds later.
            "AND tablename NOT IN ('axme_usage', 'axme_usage_daily') ORDER BY 1", conn);
        var tables = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return [.. tables];
    }

    /// <summary>One hash of every row of the given tables.</summary>
    private async Task<string> SnapshotAsync(string[] tables)
    {
        var sql = string.Join(" || ", tables.Select(t => $"(SELECT coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '-') FROM {t} x)"));
        return (await TestPostgres.ScalarAsync<string>(f.Database, "SELECT " + sql))!;
    }

    /// <summary>Waits until two snapshots a second apart agree (start-up writes done).</summary>
    private async Task QuietAsync(string[] tables)
    {
        var previous = await SnapshotAsync(tables);
        for (var i = 0; i < 30; i++)
        {
            await Task.Delay(1000);
            var now = await SnapshotAsync(tables);
            if (now == previous) return;
            previous = now;
        }
        throw new InvalidOperationException("the node's tables did not settle within 30 s");
    }
}
