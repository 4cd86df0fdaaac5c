using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>A node with a Prometheus scrape token.</summary>
public sealed class OperatorViewNodeFixture() : NodeFixture("api-operator", new Dictionary<string, string>
{
    ["AXME_METRICS_TOKEN"] = OperatorViewNodeFixture.ScrapeToken,
})
{
    public const string ScrapeToken = "scrape-only-token-for-the-operator-view-tests";
}

/// <summary>
/// The operator's view (issue 12 item 5): /metrics in Prometheus' text format and the Orleans Dashboard under
/// /inbox/dashboard/, both for admins only; the scrape token opens /metrics and nothing else.
/// </summary>
public sealed class OperatorViewTests(OperatorViewNodeFixture f) : IClassFixture<OperatorViewNodeFixture>
{
    private HttpClient Anonymous() => new() { BaseAddress = f.Node.BaseAddress };

    private HttpClient Bearer(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task Metrics_are_for_admins_and_the_scrape_token_which_opens_nothing_else()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().GetAsync("/metrics")).StatusCode);
        var workspaceKey = await f.A.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Forbidden, workspaceKey.StatusCode);
        Assert.Contains("admin_required", await workspaceKey.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer("not-the-token").GetAsync("/metrics")).StatusCode);

        var admin = await f.Admin.GetAsync("/metrics");
        var scraper = Bearer(OperatorViewNodeFixture.ScrapeToken);
        var scraped = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.StartsWith("text/plain", scraped.Content.Headers.ContentType!.MediaType);

        // The scrape token is no API key and no dashboard sign-in.
        Assert.Equal(HttpStatusCode.Unauthorized, (await scraper.GetAsync("/v1/intents")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await scraper.GetAsync("/inbox/dashboard/DashboardCounters")).StatusCode);
    }

    [Fact]
    public async Task Metrics_show_intents_by_status_open_streams_storage_batches_and_the_runtimes_own()
    {
        var type = "intent.test.metrics." + Guid.NewGuid().ToString("N")[..8] + ".v1";
        var done = (await f.A.PostAsync("/v1/intents", new { intent_type = type, to_agent = "nobody" })).Ok()["intent_id"].Str();
        (await f.A.PostAsync($"/v1/intents/{done}/resolve", new { status = "COMPLETED", result = new { ok = true } })).Ok();
        var waiting = (await f.A.PostAsync("/v1/intents", new { intent_type = type, to_agent = "nobody" })).Ok()["intent_id"].Str();
        using var stream = await f.A.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/intents/{waiting}/events/stream?wait_seconds=60"),
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);

        var metrics = await Poll.UntilAsync(() => f.Admin.GetStringAsync("/metrics"),
            m => PrometheusText.Sample(m, "axme_streams_open", "kind=\"intent\"") >= 1, TimeSpan.FromSeconds(10), "the open stream counted");
        Assert.Equal(2, PrometheusText.Sample(metrics, "axme_intents_created_total", $"intent_type=\"{type}\""));
        Assert.True(PrometheusText.Sample(metrics, "axme_intents_finished_total", "status=\"COMPLETED\"") >= 1);
        Assert.True(PrometheusText.Sample(metrics, "axme_intents_live", "status=\"SUBMITTED\"") >= 1);
        Assert.Equal(0, PrometheusText.Sample(metrics, "axme_intents_live", "status=\"CREATED\"")); // every live status has a series
        Assert.DoesNotContain("axme_intents_live{otel_scope_name=\"Axme\",status=\"COMPLETED\"", metrics);
        Assert.True(PrometheusText.Sample(metrics, "axme_intents_store_batch_count", "kind=\"write\"") >= 2);
        Assert.True(PrometheusText.Sample(metrics, "axme_intents_store_duration_seconds_count", "kind=\"write\"") >= 2);
        Assert.Matches(new Regex(@"^axme_intents_store_duration_seconds_bucket\{.*le=""0\.001""\}", RegexOptions.Multiline), metrics); // seconds, not ms buckets
        // Orleans, the .NET runtime, ASP.NET Core and Npgsql report too.
        Assert.Contains("\norleans_", metrics);
        Assert.Contains("\ndotnet_gc_", metrics);
        Assert.Contains("\nhttp_server_request_duration_seconds_count{", metrics);
        Assert.Contains("\ndb_client_", metrics);
        Assert.DoesNotContain("Password", metrics, StringComparison.OrdinalIgnoreCase);

        stream.Dispose();
        await Poll.UntilAsync(() => f.Admin.GetStringAsync("/metrics"),
            m => PrometheusText.Sample(m, "axme_streams_open", "kind=\"intent\"") == 0, TimeSpan.FromSeconds(15), "the closed stream no longer counted");
    }

    [Fact]
    public async Task An_event_pushed_to_several_streams_of_one_node_is_serialised_once_and_each_stream_gets_the_same_line()
    {
        var id = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.fanout.v1", to_agent = "nobody" })).Ok()["intent_id"].Str();
        var events = (await f.A.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray().Count;
        var before = PrometheusText.Sample(await f.Admin.GetStringAsync("/metrics"), "axme_streams_frames_shared_total") ?? 0;
        var opened = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource()).ToArray();
        // From the last event on: what follows is pushed to the three (a backlog each stream reads for itself).
        var streams = opened.Select(o => SseClient.ReadAsync(f.A, $"/v1/intents/{id}/events/stream?since={events}&wait_seconds=30",
            TimeSpan.FromSeconds(40), onOpen: () => o.TrySetResult())).ToArray();
        await Task.WhenAll(opened.Select(o => o.Task)).WaitAsync(TimeSpan.FromSeconds(10)); // each subscribed before its 200

        (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { ok = true } })).Ok();
        var lines = (await Task.WhenAll(streams)).Select(s => s.Messages.Single(m => m.Event == "intent.completed").Data).ToArray();

        Assert.Contains("\"status\":\"COMPLETED\"", lines[0]);
        Assert.All(lines, l => Assert.Equal(lines[0], l));
        // One stream serialised the event, the two others wrote its bytes.
        await Poll.UntilAsync(() => f.Admin.GetStringAsync("/metrics"),
            m => PrometheusText.Sample(m, "axme_streams_frames_shared_total") - before >= 2, TimeSpan.FromSeconds(10), "two streams writing the shared line");
    }

    /// <summary>Series recorded only once their event happens (a timer fires, a delivery is attempted or given up): grain tests cover them.</summary>
    private static readonly string[] RecordedOnEvent = ["axme_timers_lateness_seconds", "axme_deliveries_attempts_total", "axme_deliveries_dead_letters_total"];

    [Fact]
    public async Task Every_series_the_Grafana_dashboard_queries_is_one_the_node_exports()
    {
        (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.metrics.grafana.v1", to_agent = "nobody" })).Ok();
        var dashboard = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "docker", "grafana", "dashboards", "axme.json")))!;
        var queried = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => t!["expr"].Str())
            .Select(e => Regex.Replace(e, @"\bby \([^)]*\)|\{[^}]*\}", "")) // label names and matchers are not series
            .SelectMany(e => Regex.Matches(e, @"\b(axme|http_server|dotnet|orleans|db_client)_[a-z0-9_]+").Select(m => m.Value))
            .Select(n => Regex.Replace(n, "_(bucket|count|sum)$", "")).Distinct().ToList();
        Assert.True(queried.Count >= 15, string.Join(", ", queried));
        var metrics = await f.Admin.GetStringAsync("/metrics");
        var exported = metrics.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.IndexOfAny(['{', ' '])]).ToHashSet();
        var missing = queried.Where(q => !exported.Any(e => e == q || e.StartsWith(q + "_", StringComparison.Ordinal)) && !RecordedOnEvent.Contains(q)).ToList();
        Assert.True(missing.Count == 0, "queried by docker/grafana/dashboards/axme.json but not exported: " + string.Join(", ", missing));
    }

    private static string RepoRoot() => NodeProcess.RepositoryRoot;

    [Fact]
    public async Task The_dashboard_is_for_admins_a_browser_without_a_session_goes_to_the_sign_in_page()
    {
        var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = f.Node.BaseAddress };
        var page = await noRedirects.GetAsync("/inbox/dashboard/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/inbox", page.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await noRedirects.GetAsync("/inbox/dashboard/DashboardCounters")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await f.A.GetAsync("/inbox/dashboard/DashboardCounters")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await f.A.GetAsync("/inbox/dashboard/")).StatusCode);

        var html = await f.Admin.GetAsync("/inbox/dashboard/");
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Contains("Orleans Dashboard", await html.Content.ReadAsStringAsync());
        Assert.Contains("script-src 'self'", html.Headers.GetValues("Content-Security-Policy").Single());
        var counters = (await f.Admin.GetJsonAsync("/inbox/dashboard/DashboardCounters")).Body!;
        Assert.Equal("Active", counters["hosts"]![0]!["status"].Str());
        // A bad silo address in the path is the caller's mistake, not a 500 (the fuzzer found these).
        (await f.Admin.GetJsonAsync("/inbox/dashboard/SiloCounters/not-a-silo")).Error(HttpStatusCode.BadRequest, "invalid_dashboard_request");
        // The live log is off by default: log lines name tenants' intents.
        Assert.Equal(HttpStatusCode.Forbidden, (await f.Admin.GetAsync("/inbox/dashboard/Trace")).StatusCode);
    }
}
