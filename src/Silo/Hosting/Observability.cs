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
                    .AddMeter("Microsoft.Orleans", AxmeMetrics.MeterName, "Npgsql");
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
}
