using System.Net;
using System.Net.Sockets;

namespace Axme.Testing;

/// <summary>
/// A TCP forwarder between a node and its PostgreSQL that can take the database away: <see cref="Down"/> drops every
/// open connection and refuses new ones (to the node exactly a server that died or restarts: reads and writes break,
/// connects are refused), <see cref="Up"/> brings it back on the same port. The test server itself is shared with the
/// other test assemblies, so it is never stopped.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly Lock _gate = new();
    private readonly HashSet<TcpClient> _open = [];
    private TcpListener? _listener;

    private FaultProxy(IPEndPoint target, int port)
    {
        _target = target;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A proxy to the server of <paramref name="connectionString"/>, and that connection string through it.</summary>
    public static (FaultProxy Proxy, string ConnectionString) For(string connectionString)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var host = b.Host is null or "localhost" ? IPAddress.Loopback : IPAddress.Parse(b.Host);
        var proxy = new FaultProxy(new IPEndPoint(host, b.Port), NodeProcess.FreePort());
        proxy.Up();
        b.Host = "127.0.0.1";
        b.Port = proxy.Port;
        return (proxy, b.ConnectionString);
    }

    public void Up()
    {
        lock (_gate)
        {
            if (_listener is not null) return;
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _ = AcceptAsync(_listener);
        }
    }

    public void Down()
    {
        lock (_gate)
        {
            _listener?.Stop();
            _listener = null;
            foreach (var c in _open) c.Dispose();
            _open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var server = new TcpClient();
        lock (_gate)
        {
            _open.Add(client);
            _open.Add(server);
        }
        try
        {
            await server.ConnectAsync(_target);
            using var stop = new CancellationTokenSource();
            var up = client.GetStream().CopyToAsync(server.GetStream(), stop.Token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), stop.Token);
            await Task.WhenAny(up, down);
            await stop.CancelAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // a side went away, or Down cut it
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(client);
                _open.Remove(server);
            }
            client.Dispose();
            server.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Down();
        return ValueTask.CompletedTask;
    }
}
