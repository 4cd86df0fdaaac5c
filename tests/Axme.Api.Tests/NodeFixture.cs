using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// One real node (its own process, port and database) shared by the API tests, with two tenants:
/// workspace A (acme/prod) and workspace B (other/ws), each with its own service account key.
/// </summary>
public sealed class NodeFixture : IAsyncLifetime
{
    public NodeProcess Node { get; private set; } = null!;
    public string Database { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient A { get; private set; } = null!;
    public HttpClient B { get; private set; } = null!;
    public string AgentA { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestPostgres.CreateDatabaseAsync("axme_api");
        Node = new NodeProcess(Database, "api-tests", new Dictionary<string, string>
        {
            ["Axme__Api__SseKeepAlive"] = "00:00:01",
            ["Axme__Api__MaxRequestBodyBytes"] = "131072",
        });
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

[CollectionDefinition(Name)]
public sealed class NodeCollection : ICollectionFixture<NodeFixture>
{
    public const string Name = "node";
}
