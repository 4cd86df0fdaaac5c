using System.Text.Json.Nodes;
using Axme.Contracts;
using Npgsql;

namespace Axme.Api.Health;

/// <summary>Liveness (/health, /v1/health — no auth, PROTOCOL §9.3), readiness (/ready) and capabilities (§9.2).</summary>
public static class HealthEndpoints
{
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapGet("/health", Health).WithTags("Health").WithName("GetHealth").WithSummary("Liveness");
        app.MapGet("/v1/health", Health).WithTags("Health").WithName("GetHealthV1").WithSummary("Liveness (.NET SDK path)");
        app.MapGet("/ready", Ready).WithTags("Health").WithName("GetReadiness").Produces<Readiness>(200).Produces<Readiness>(503)
            .WithSummary("Readiness: PostgreSQL and the silo answer");
        return app;
    }

    public static RouteGroupBuilder MapCapabilities(this RouteGroupBuilder v1)
    {
        v1.MapGet("/capabilities", () => TypedResults.Ok(HealthOperations.Capabilities()))
            .WithTags("Health").WithName("GetCapabilities").WithSummary("What this server implements");
        return v1;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<Contracts.Health> Health() => TypedResults.Ok(HealthOperations.Liveness());

    private static async Task<IResult> Ready(NpgsqlDataSource db, IGrainFactory grains, Hosting.NodeDrain drain, CancellationToken ct)
    {
        // A stopping node says so first, so a load balancer sends it nothing new while it finishes what it has.
        if (drain.Draining)
            return TypedResults.Json(new Readiness { Ok = false, Checks = new ReadinessChecks { Node = "draining" } }, statusCode: 503);
        var checks = new ReadinessChecks();
        var ready = true;
        try
        {
            // Unready within seconds when PostgreSQL is unreachable, whether it refuses connections or drops them.
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(5));
            await using var cmd = db.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(limit.Token);
            checks = checks with { Postgres = "ok" };
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            checks = checks with { Postgres = "unavailable" };
            ready = false;
        }
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), ct);
            checks = checks with { Silo = hosts.Count > 0 ? "ok" : "no active silo", ActiveSilos = hosts.Count };
            ready &= hosts.Count > 0;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            checks = checks with { Silo = "unavailable" };
            ready = false;
        }
        return TypedResults.Json(new Readiness { Ok = ready, Checks = checks }, statusCode: ready ? 200 : 503);
    }
}
