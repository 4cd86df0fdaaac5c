using Axme.Testing;

namespace Axme.Client.Tests;

/// <summary>One real node (its own process, port and database) shared by the SDK tests; tenants get keys from the admin key.</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    public NodeProcess Node { get; private set; } = null!;
    public string Database { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestPostgres.CreateDatabaseAsync("axme_client");
        Node = new NodeProcess(Database, "client-tests", new Dictionary<string, string> { ["Axme__Api__SseKeepAlive"] = "00:00:01" });
        await Node.StartAsync();
        Admin = Node.CreateClient();
    }

    /// <summary>A fresh workspace (so lists hold only the test's own data).</summary>
    public static string NewWorkspace() => "w" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A service account in the workspace and an SDK client using its key (optionally through extra handlers).</summary>
    public async Task<(AxmeClient Client, string Address)> ClientAsync(string ws, string name, Action<AxmeClientOptions>? configure = null, DelegatingHandler? handler = null)
    {
        var (_, address, key) = await Tenants.CreateAsync(Node, Admin, "sdk", ws, name);
        return (Client(key, configure, handler), address);
    }

    public AxmeClient Client(string? key, Action<AxmeClientOptions>? configure = null, DelegatingHandler? handler = null)
    {
        var options = new AxmeClientOptions { BaseUrl = Node.BaseAddress.ToString(), ApiKey = key, RetryBaseDelay = TimeSpan.FromMilliseconds(20) };
        configure?.Invoke(options);
        if (handler is null) return new AxmeClient(options);
        handler.InnerHandler = new SocketsHttpHandler();
        return new AxmeClient(new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan }, options);
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

/// <summary>A test hook between the SDK and the node: sees every request and may replace or alter the response.</summary>
public sealed class HookHandler(Func<HttpRequestMessage, Func<Task<HttpResponseMessage>>, Task<HttpResponseMessage>> hook) : DelegatingHandler
{
    private readonly List<(HttpMethod Method, string Path, string? IdempotencyKey)> _requests = [];

    public IReadOnlyList<(HttpMethod Method, string Path, string? IdempotencyKey)> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        lock (_requests)
            _requests.Add((request.Method, request.RequestUri!.AbsolutePath,
                request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null));
        return hook(request, () => base.SendAsync(request, ct));
    }
}

/// <summary>A response body that breaks (IOException) after a number of complete SSE messages, like a dropped connection.</summary>
public sealed class CuttingStream(Stream inner, int messages) : Stream
{
    private int _seen;
    private byte _previous;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_seen >= messages) throw new IOException("connection cut by the test");
        // One byte at a time, so the cut falls exactly after the n-th message.
        var n = await inner.ReadAsync(buffer[..1], ct);
        if (n == 1)
        {
            if (buffer.Span[0] == '\n' && _previous == '\n') _seen++;
            _previous = buffer.Span[0];
        }
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
