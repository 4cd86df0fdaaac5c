using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Axme.Testing;

namespace Axme.EndToEnd.Tests;

public sealed class ObservabilityTests
{
    [Fact]
    public async Task Traces_and_metrics_are_exported_over_OTLP_when_an_endpoint_is_configured()
    {
        var port = NodeProcess.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new ConcurrentDictionary<string, StringBuilder>();
        using var stop = new CancellationTokenSource();
        var listening = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext ctx;
                try { ctx = await collector.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using var ms = new MemoryStream();
                await ctx.Request.InputStream.CopyToAsync(ms);
                // Protobuf keeps strings as UTF-8 bytes: good enough to look for names.
                received.GetOrAdd(ctx.Request.Url!.AbsolutePath, _ => new StringBuilder()).Append(Encoding.UTF8.GetString(ms.ToArray()));
                ctx.Response.StatusCode = 200;
                ctx.Response.Close();
            }
        });

        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_otel");
        await using var node = new NodeProcess(db, "otel-test", new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        try
        {
            await node.StartAsync();
            using var http = node.CreateClient();
            var id = (await http.PostAsync("/v1/intents", new { intent_type = "intent.test.otel.v1", to_agent = "agent://default/default/w" })).Ok()["intent_id"].Str();
            (await http.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED" })).Ok();

            string Seen(string path) => received.TryGetValue(path, out var sb) ? sb.ToString() : "";
            await TwoNodeClusterTests.Eventually(() => Task.FromResult(
                Seen("/v1/metrics").Contains("axme.intents.created") && Seen("/v1/metrics").Contains("axme.intents.finished")
                && Seen("/v1/traces").Contains("/v1/intents/{intent_id}/resolve")), 30);
        }
        finally
        {
            stop.Cancel();
            collector.Stop();
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }
}
