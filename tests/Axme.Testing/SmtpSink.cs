using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Net;
using SmtpServer.Storage;

namespace Axme.Testing;

/// <summary>One message the sink accepted: the parsed message and the envelope recipients.</summary>
public sealed record ReceivedMail(MimeMessage Message, IReadOnlyList<string> EnvelopeTo);

/// <summary>
/// An in-process SMTP server (SmtpServer on 127.0.0.1, random port) that keeps what it accepts. Messages to
/// any recipient at <see cref="RefusedDomain"/> are refused at the end of DATA (554), every time.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    public const string RefusedDomain = "refused.example";

    private readonly CancellationTokenSource _stop = new();
    private readonly Store _store = new();
    private SmtpServer.SmtpServer? _server;

    public int Port { get; private set; }
    public IReadOnlyList<ReceivedMail> Received => [.. _store.Received];
    /// <summary>Messages refused so far (each attempt of a sender that retries counts).</summary>
    public int Refused => _store.Refused;

    public static async Task<SmtpSink> StartAsync()
    {
        var sink = new SmtpSink();
        var listeners = new EndpointListenerFactory();
        var started = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        listeners.EndpointStarted += (_, e) => started.TrySetResult((IPEndPoint)e.LocalEndPoint);
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, 0))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(sink._store);
        services.Add(listeners);
        sink._server = new SmtpServer.SmtpServer(options, services);
        _ = sink._server.StartAsync(sink._stop.Token); // runs until shutdown
        sink.Port = (await started.Task.WaitAsync(TimeSpan.FromSeconds(10))).Port;
        return sink;
    }

    /// <summary>The messages whose X-AXME-Notification-Id header is this delivery id.</summary>
    public IReadOnlyList<ReceivedMail> For(string deliveryId) =>
        [.. Received.Where(m => m.Message.Headers["X-AXME-Notification-Id"] == deliveryId)];

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            _server.Shutdown();
            await _server.ShutdownTask.WaitAsync(TimeSpan.FromSeconds(10));
        }
        _stop.Dispose();
    }

    private sealed class Store : MessageStore
    {
        private int _refused;

        public ConcurrentQueue<ReceivedMail> Received { get; } = new();
        public int Refused => Volatile.Read(ref _refused);

        public override async Task<SmtpServer.Protocol.SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var to = transaction.To.Select(m => $"{m.User}@{m.Host}").ToArray();
            if (to.Any(t => t.EndsWith("@" + RefusedDomain, StringComparison.OrdinalIgnoreCase)))
            {
                Interlocked.Increment(ref _refused);
                return SmtpServer.Protocol.SmtpResponse.TransactionFailed;
            }
            using var stream = new MemoryStream(buffer.ToArray());
            Received.Enqueue(new ReceivedMail(await MimeMessage.LoadAsync(stream, cancellationToken), to));
            return SmtpServer.Protocol.SmtpResponse.Ok;
        }
    }
}
