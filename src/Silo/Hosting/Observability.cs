using Axme.Grains.Common;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Axme.Silo.Hosting;

/// <summary>
/// Traces, metrics and logs in one place: ASP.NET Core, HttpClient, Orleans and Npgsql instrumentation
/// plus the runtime's own meter, exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set. Log
/// scopes carry the trace id, so every log line of a request can be joined to its trace.
/// </summary>
public static class Observability
{
    /// <summary>True when an OTLP endpoint is configured, i.e. someone reads traces and metrics.</summary>
    public static bool Exporting(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static WebApplicationBuilder AddAxmeObservability(this WebApplicationBuilder builder)
    {
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (builder.Configuration["Logging:Format"] == "json")
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);

        // Without an exporter nobody reads traces or metrics; registering the providers anyway would
        // create an activity per request and grain call for nothing (measurable on 2 cores).
        if (!Exporting(builder.Configuration)) return builder;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("axme-orleans"))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Npgsql"))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Microsoft.Orleans", AxmeMetrics.MeterName, "Npgsql"))
            .UseOtlpExporter();
        return builder;
    }
}
