using System.Diagnostics.Metrics;
using Axme.Grains.Common;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Axme.Silo.Hosting;

/// <summary>
/// Traces, metrics and logs in one place. Metrics (ASP.NET Core, HttpClient, .NET runtime, Orleans, Npgsql and the
/// runtime's own meter) are scraped at /metrics (OperatorView) unless Axme:Metrics is false, and exported over OTLP when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set, together with traces. Log scopes carry the trace id, so every log line of a
/// request can be joined to its trace.
/// </summary>
public static class Observability
{
    /// <summary>True when an OTLP endpoint is configured, i.e. someone reads traces and metrics.</summary>
    public static bool Exporting(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static WebApplicationBuilder AddAxmeObservability(this WebApplicationBuilder builder, AxmeOptions o)
    {
        builder.Logging.Configure(l => l.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (builder.Configuration["Logging:Format"] == "json")
            builder.Logging.AddJsonConsole(l => l.IncludeScopes = true);

        var otlp = Exporting(builder.Configuration);
        if (!otlp && !o.Metrics) return builder;
        builder.Services.AddSingleton<NodeMetrics>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("axme-orleans"))
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Microsoft.Orleans", AxmeMetrics.MeterName, "Npgsql")
                    .AddView(i => !o.MetricsPerEvent && PerEvent(i) ? MetricStreamConfiguration.Drop : null);
                if (o.Metrics) m.AddPrometheusExporter();
            });
        // Traces only for an OTLP reader: without one, an activity per request and grain call would be made for nothing
        // (measurable on 2 cores); metrics only cost a few counter updates per request.
        if (otlp)
            telemetry.WithTracing(t => t
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Npgsql"))
                .UseOtlpExporter();
        return builder;
    }

    /// <summary>
    /// Instruments that record on every message, grain call, command, routing decision or buffer rent, kept off by default: with
    /// them a node did 4-22 % fewer approval round trips at 2-27 % more CPU (interleaved A/B, docs/benchmarks.md; Kestrel's
    /// memory pool counters, new in .NET 10, were 0.4 % of the node's CPU under the same load, perf 2026-12-06). A
    /// dropped instrument is not listened to, so recording it costs one check. What stays: everything observed at scrape
    /// time (activations, directory, reminders, pools, runtime), the HTTP request duration (per request, and the one
    /// an operator needs), Kestrel's connections, outbound HTTP and the runtime's own meter. Axme:MetricsPerEvent=true
    /// keeps them all.
    /// </summary>
    private static bool PerEvent(Instrument instrument) =>
        !instrument.IsObservable
        && instrument.Meter.Name is "Microsoft.Orleans" or "Npgsql" or "Microsoft.AspNetCore.Routing" or "Microsoft.AspNetCore.RateLimiting"
            or "Microsoft.AspNetCore.MemoryPool";
}
