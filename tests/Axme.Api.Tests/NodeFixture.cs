using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// One real node (its own process, port and database) shared by the API tests, with two tenants:
/// workspace A (acme/prod) and workspace B (other/ws), each with its own service account key.
/// A subclass passes settings of its own for tests that need a differently configured node
/// (<see cref="RateLimitedNodeFixture"/>); such a class fixture runs beside the shared collection, not in it.
/// </summary>
public class NodeFixture : IAsyncLifetime
{
    private readonly string _clusterId;
    private readonly IReadOnlyDictionary<string, string> _settings;

    // xUnit wants exactly one public constructor on a fixture: the subclasses' hook is protected.
    public NodeFixture() : this("api-tests", new Dictionary<string, string>()) { }

    protected NodeFixture(string clusterId, IReadOnlyDictionary<string, string> settings)
    {
        _clusterId = clusterId;
        _settings = settings;
    }

    public NodeProcess Node { get; private set; } = null!;
    public string Database { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient A { get; private set; } = null!;
    public HttpClient B { get; private set; } = null!;
    public string AgentA { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestPostgres.CreateDatabaseAsync("axme_api");
        var all = new Dictionary<string, string>
        {
            ["Axme__Api__SseKeepAlive"] = "00:00:01",
            ["Axme__Api__MaxRequestBodyBytes"] = "131072",
        };
        foreach (var (k, v) in _settings) all[k] = v;
        Node = new NodeProcess(Database, _clusterId, all);
        await Node.StartAsync();
        Admin = Node.CreateClient();
        (A, AgentA) = await TenantAsync("acme", "prod", "alpha");
        (B, _) = await TenantAsync("other", "ws", "beta");
    }

    /// <summary>A service account and key in a workspace, created with the admin key.</summary>
    public async Task<(HttpClient Client, string Address)> TenantAsync(string org, string ws, string name)
    {
        var (client, address, _) = await Tenants.CreateAsync(Node, Admin, org, ws, name);
        return (client, address);
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(Database);
    }
}

/// <summary>A node whose rate limit (REST and MCP) is small: 3 calls per 4 s window.</summary>
public sealed class RateLimitedNodeFixture() : NodeFixture("api-rate", new Dictionary<string, string>
{
    ["Axme__Api__RateLimitPermits"] = RateLimitedNodeFixture.Permits.ToString(),
    ["Axme__Api__RateLimitWindow"] = RateLimitedNodeFixture.Window.ToString(),
})
{
    public const int Permits = 3;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(4);
}

/// <summary>A node whose web inbox sign-in limit is small (3 attempts per client IP per minute), behind one trusted proxy address.</summary>
public sealed class SignInLimitedNodeFixture() : NodeFixture("api-signin", new Dictionary<string, string>
{
    ["Axme__Api__SignInPermits"] = SignInLimitedNodeFixture.Permits.ToString(),
    ["Axme__Api__SignInWindow"] = SignInLimitedNodeFixture.Window.ToString(),
    ["Axme__Api__TrustedProxies"] = SignInLimitedNodeFixture.Proxy,
})
{
    public const int Permits = 3;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    /// <summary>The one local address whose X-Forwarded-For the node believes.</summary>
    public const string Proxy = "127.0.0.3";
}

[CollectionDefinition(Name)]
public sealed class NodeCollection : ICollectionFixture<NodeFixture>
{
    public const string Name = "node";
}
