using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Axme.Api.Mcp;

/// <summary>
/// POST /mcp (PROTOCOL §10): one JSON-RPC 2.0 message per POST, answered with plain JSON, no session.
/// Protocol failures are JSON-RPC errors with HTTP 200 and the §10.3 codes; the caller is authenticated
/// exactly as on /v1 (ApiKeyAuthFilter). Why not the ModelContextProtocol SDK's server: docs/adr/012-mcp.md.
/// </summary>
public static partial class McpEndpoint
{
    public const string Path = "/mcp";

    /// <summary>The MCP revision this server speaks when a client names none (the SDKs send 2024-11-05).</summary>
    public const string DefaultProtocolVersion = "2024-11-05";

    public static WebApplication MapMcp(this WebApplication app)
    {
        app.MapPost(Path, HandleAsync).WithTags("MCP").WithName("Mcp")
            .Accepts<System.Text.Json.Nodes.JsonObject>("application/json").Produces<System.Text.Json.Nodes.JsonObject>()
            .WithSummary("MCP over JSON-RPC 2.0: initialize, tools/list, tools/call")
            .WithDescription("A JSON-RPC 2.0 request in, a JSON-RPC 2.0 response out (the Model Context Protocol's own envelope, docs/mcp.md); " +
                "the tools' results embed the same records as the REST answers.");
        return app;
    }

    public static async Task<IResult> HandleAsync(HttpContext http, ApiKeyAuthFilter auth, McpRateLimiter limiter, IServiceProvider services,
        ILogger<McpRateLimiter> logger)
    {
        JsonObject request;
        try
        {
            if (JsonInput.Parse(await ReadAsync(http)) is not JsonObject o) return Error(null, McpError.InvalidRequest, "a request must be one JSON-RPC object");
            request = o;
        }
        catch (ProtocolException e)
        {
            // Unreadable JSON is a parse error; readable JSON with a value no tool can take (NUL, 1e400) is a bad
            // request, or bad params when it sits in them.
            var field = e.Details?.GetValueOrDefault("field") ?? "";
            return Error(null, e.Status == 400 ? McpError.ParseError : field.StartsWith("params", StringComparison.Ordinal) ? McpError.InvalidParams : McpError.InvalidRequest,
                e.Message);
        }
        var id = request["id"]?.DeepClone();
        if (request["method"] is not JsonValue m || !m.TryGetValue<string>(out var method))
            return Error(id, McpError.InvalidRequest, "method is required");
        // Notifications (no id) need no answer; the SDKs send none, generic clients send notifications/initialized.
        if (!request.ContainsKey("id")) return TypedResults.Accepted((string?)null);
        var parameters = request["params"] as JsonObject ?? [];

        if (await auth.AuthenticateAsync(http) is { } refused) return Error(id, refused);
        var caller = ApiKeyAuthFilter.CallerOf(http);
        try
        {
            return method switch
            {
                "initialize" => Result(id, Initialize(parameters)),
                "ping" => Result(id, []),
                "tools/list" => Result(id, new JsonObject { ["tools"] = McpTools.List() }),
                "tools/call" => Result(id, await CallAsync(http, caller, parameters, limiter, services)),
                _ => Error(id, McpError.MethodNotFound, $"unknown method: {method}"),
            };
        }
        catch (ProtocolException e)
        {
            return Error(id, e);
        }
        catch (McpException e)
        {
            return Error(id, e.Code, e.Message);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            // The REST path answers 500 here (ErrorHandlingMiddleware); MCP words the same as −32603, details only in the log.
            LogToolFailed(logger, e, method);
            return Error(id, McpError.Internal, e is TimeoutException ? "the runtime did not answer in time; retry" : "internal error");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "MCP {Method} failed")]
    private static partial void LogToolFailed(ILogger logger, Exception e, string method);

    private static JsonObject Initialize(JsonObject parameters) => new()
    {
        ["protocolVersion"] = parameters["protocolVersion"] is JsonValue v && v.TryGetValue<string>(out var version) ? version : DefaultProtocolVersion,
        ["capabilities"] = new JsonObject { ["tools"] = new JsonObject { ["listChanged"] = false } },
        ["serverInfo"] = new JsonObject { ["name"] = "axme-orleans", ["version"] = typeof(McpEndpoint).Assembly.GetName().Version?.ToString() },
    };

    /// <summary>Runs one tool; its fields, plus tool and status, plus the standard content/isError (§10.2).</summary>
    private static async Task<JsonObject> CallAsync(HttpContext http, Caller caller, JsonObject parameters, McpRateLimiter limiter, IServiceProvider services)
    {
        var name = parameters["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : throw new McpException(McpError.InvalidParams, "params.name is required");
        var tool = McpTools.Find(name) ?? throw new McpException(McpError.MethodNotFound, $"unknown tool: {name}");
        var arguments = parameters["arguments"] switch
        {
            null => [],
            JsonObject o => o,
            _ => throw new McpException(McpError.InvalidParams, "params.arguments must be an object"),
        };
        foreach (var required in tool.Required)
            if (arguments[required] is null) throw ProtocolException.Invalid(required, $"{required} is required", "missing_field");
        var owner = Query.OwnerAgent(Text(arguments, "owner_agent"), Text(parameters, "owner_agent"), caller);
        if (!limiter.TryAcquire(ApiKeyAuthFilter.Token(http.Request)!, owner ?? caller.AgentAddress, name, out var retryAfter))
            throw new ProtocolException(429, "rate_limit_exceeded", $"rate limit exceeded for {name}; retry after {retryAfter} s",
                new Dictionary<string, string> { ["retry_after"] = retryAfter.ToString(CultureInfo.InvariantCulture) });

        var call = new McpCall(caller, owner, Arguments(arguments), Text(arguments, "idempotency_key"), services, http, http.RequestAborted);
        var fields = await tool.InvokeAsync(call);
        var result = new JsonObject { ["ok"] = true, ["tool"] = name, ["status"] = "completed" };
        foreach (var (key, value) in fields)
            if (key is not ("ok" or "tool" or "status")) result[key] = value?.DeepClone();
        result["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = fields.ToJsonString() });
        result["isError"] = false;
        return result;
    }

    /// <summary>A tool's arguments as a request body, without the two that steer the call rather than describe the resource.</summary>
    private static RequestBody Arguments(JsonObject arguments)
    {
        var copy = arguments.DeepClone().AsObject();
        copy.Remove("owner_agent");
        copy.Remove("idempotency_key");
        return new RequestBody(copy);
    }

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private static async Task<byte[]> ReadAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        return buffer.ToArray();
    }

    private static IResult Result(JsonNode? id, JsonObject result) =>
        TypedResults.Json(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result });

    /// <summary>A refusal as a JSON-RPC error (§10.3); data carries the REST status, code and details.</summary>
    private static IResult Error(JsonNode? id, ProtocolException e)
    {
        var details = new JsonObject();
        foreach (var (k, v) in e.Details ?? []) details[k] = v;
        return Error(id, McpError.For(e.Status), e.Message,
            new JsonObject { ["http_status"] = e.Status, ["code"] = e.Code, ["details"] = details });
    }

    private static IResult Error(JsonNode? id, int code, string message, JsonObject? data = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (data is not null) error["data"] = data;
        return TypedResults.Json(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["error"] = error });
    }
}

/// <summary>JSON-RPC error codes (§10.3) and how a REST status maps to them.</summary>
public static class McpError
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int Internal = -32603;
    public const int Unauthenticated = -32001;
    public const int Forbidden = -32003;
    public const int RateLimited = -32004;

    /// <summary>
    /// 401 → −32001, 403 → −32003, 429 and 503 (a busy node: retry later, data.http_status says which) → −32004, any
    /// other 4xx (bad or unknown argument, conflict) → −32602, else −32603.
    /// </summary>
    public static int For(int status) => status switch
    {
        401 => Unauthenticated,
        403 => Forbidden,
        429 or 503 => RateLimited,
        >= 400 and < 500 => InvalidParams,
        _ => Internal,
    };
}

/// <summary>A JSON-RPC level refusal that has no REST counterpart (unknown tool, malformed params).</summary>
public sealed class McpException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}

/// <summary>The MCP limit per key, owner and tool (§10.3: per-(owner, tool), the REST window and permits).</summary>
public sealed class McpRateLimiter(IOptions<ApiOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter =
        RetryAfter.FixedWindows(() => options.Value.RateLimitPermits, () => options.Value.RateLimitWindow);

    /// <summary>
    /// Takes one call from the budget of (key, owner, tool). When it is spent: false, and the whole seconds until
    /// the next window (≥ 1, an integer like REST's Retry-After, which is how the SDKs parse it).
    /// </summary>
    public bool TryAcquire(string token, string owner, string tool, out int retryAfterSeconds)
    {
        using var lease = _limiter.AttemptAcquire($"{TokenHash.Of(token)} {owner} {tool}");
        retryAfterSeconds = lease.IsAcquired ? 0 : RetryAfter.Seconds(lease, options.Value.RateLimitWindow);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
