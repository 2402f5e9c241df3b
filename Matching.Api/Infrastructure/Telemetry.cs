using System.Diagnostics.Metrics;
using Matching.Diagnostics;
using Matching.Service;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Matching.Api.Infrastructure;

/// <summary>The <c>Telemetry</c> section: where metrics, traces and logs go. Default: plain console logs, nothing exported.</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>The <c>service.name</c> resource attribute (default matching-api); each process adds its own <c>service.instance.id</c>.</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public string ServiceName { get; set; } = "matching-api";

    /// <summary>Console log format: plain (default) or json (the built-in JSON formatter, with scopes: the request's trace and span ids).</summary>
    [System.ComponentModel.DataAnnotations.RegularExpression("^(plain|json)$", ErrorMessage = "Telemetry:Logs must be 'plain' or 'json'.")]
    public string Logs { get; set; } = "plain";

    /// <summary>The OTLP export: metrics, traces and logs pushed to a collector.</summary>
    public OtlpExportOptions Otlp { get; set; } = new();

    /// <summary>The Prometheus scrape endpoint.</summary>
    public PrometheusOptions Prometheus { get; set; } = new();

    /// <summary>Whether anything is exported, so that the OpenTelemetry SDK is wired at all.</summary>
    public bool Exports => Otlp.Endpoint is not null || Prometheus.Enabled;
}

/// <summary>The <c>Telemetry:Otlp</c> section.</summary>
internal sealed class OtlpExportOptions
{
    /// <summary>The collector's absolute http(s) URL, e.g. http://otel-collector:4317; default none (no OTLP export).</summary>
    public string? Endpoint { get; set; }

    /// <summary>grpc (default, port 4317) or http/protobuf (port 4318).</summary>
    public string Protocol { get; set; } = "grpc";
}

/// <summary>The <c>Telemetry:Prometheus</c> section.</summary>
internal sealed class PrometheusOptions
{
    /// <summary>Serve GET /metrics in the Prometheus text format (default off).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// When set (1..65535), /metrics answers only on this port, without an API key: list the port in the host's URLs
    /// (e.g. <c>ASPNETCORE_URLS=http://+:8080;http://+:9464</c>) and keep it off the load balancer. When not set, /metrics
    /// answers on every port to an API key with the admin role.
    /// </summary>
    public int? Port { get; set; }
}

/// <summary>Refuses an OTLP endpoint that is no absolute http(s) URL, an unknown protocol or a port out of range.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (options.Otlp.Endpoint is { } endpoint
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            failures.Add($"Telemetry:Otlp:Endpoint '{endpoint}' must be an absolute http or https URL.");
        }
        if (options.Otlp.Protocol is not ("grpc" or "http/protobuf")) failures.Add("Telemetry:Otlp:Protocol must be 'grpc' or 'http/protobuf'.");
        if (options.Prometheus.Port is < 1 or > 65_535) failures.Add("Telemetry:Prometheus:Port must be from 1 to 65535.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Wires metrics, traces and logs by configuration: the service's own <see cref="MatchingTelemetry"/> always (it costs
/// a flag check while nobody listens); the OpenTelemetry SDK with ASP.NET Core, HttpClient and runtime instrumentation
/// only when something is exported (OTLP, Prometheus); the JSON console formatter when asked.
/// </summary>
internal static class Telemetry
{
    /// <summary>The meters one collects: the service's own, ASP.NET Core's, Kestrel's, the rate limiter's, HttpClient's, the runtime's.</summary>
    public static MeterProviderBuilder AddMatchingMeters(this MeterProviderBuilder metrics) => metrics
        .AddMeter(MatchingTelemetry.Name, "Microsoft.AspNetCore.RateLimiting")
        .AddAspNetCoreInstrumentation()
        .AddHttpClientInstrumentation()
        .AddRuntimeInstrumentation();

    /// <summary>The spans one collects: requests (not health checks or scrapes), outgoing HTTP, and the service's own.</summary>
    public static TracerProviderBuilder AddMatchingSources(this TracerProviderBuilder tracing) => tracing
        .AddSource(MatchingTelemetry.Name)
        .AddAspNetCoreInstrumentation(o => o.Filter = context =>
            !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"))
        .AddHttpClientInstrumentation();

    public static WebApplicationBuilder AddMatchingTelemetry(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var telemetry = new MatchingTelemetry(sp.GetRequiredService<IMeterFactory>());
            // Resolved when observed, not now: the store depends on this telemetry.
            telemetry.Observe(() => sp.GetRequiredService<MatchingStore>().Engine.OfferCount, () => sp.GetRequiredService<ChangeFeedLag>().Lag?.TotalSeconds);
            telemetry.ObservePrices(() => sp.GetRequiredService<ScarcityService>().Current() is { } prices
                ? (sp.GetRequiredService<TimeProvider>().GetUtcNow() - prices.ComputedAt).TotalSeconds
                : null);
            return telemetry;
        });

        // Read here to decide what to wire; the same values are validated at start with the other sections.
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (options.Logs == "json")
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }
        if (!options.Exports) return builder;

        var otlp = options.Otlp.Endpoint is { } endpoint ? new Uri(endpoint) : null;
        var protocol = options.Otlp.Protocol == "http/protobuf" ? OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf : OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMatchingMeters();
                if (options.Prometheus.Enabled) metrics.AddPrometheusExporter();
                if (otlp is not null) metrics.AddOtlpExporter(o => { o.Endpoint = otlp; o.Protocol = protocol; });
            });
        if (otlp is not null)
        {
            // Traces and logs have no scrape model: they go only where OTLP sends them.
            otel.WithTracing(tracing => tracing.AddMatchingSources().AddOtlpExporter(o => { o.Endpoint = otlp; o.Protocol = protocol; }))
                .WithLogging(logging => logging.AddOtlpExporter(o => { o.Endpoint = otlp; o.Protocol = protocol; }));
        }
        return builder;
    }

    /// <summary>Maps /metrics when Prometheus is on: on its own port without a key, or behind the admin role.</summary>
    public static WebApplication MapMatchingTelemetry(this WebApplication app)
    {
        var prometheus = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus;
        if (!prometheus.Enabled) return app;
        var endpoint = app.MapPrometheusScrapingEndpoint("/metrics").DisableRateLimiting();
        if (prometheus.Port is int port) endpoint.RequireHost($"*:{port}");
        else endpoint.RequireAuthorization(Policies.Metrics);
        return app;
    }
}
