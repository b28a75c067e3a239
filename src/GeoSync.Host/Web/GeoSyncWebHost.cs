using GeoSync.Domain.Topology;
using GeoSync.Host.Hosting;
using GeoSync.Host.Intake;
using GeoSync.Host.Status;
using GeoSync.Host.Telemetry;
using GeoSync.Persistence;

namespace GeoSync.Host.Web;

/// <summary>A node with its HTTP API: event intake, status, metrics, health. Kestrel on the topology's listen address.</summary>
public static class GeoSyncWebHost
{
    /// <summary>
    /// A builder holding the whole node (<see cref="GeoSyncHostingExtensions.AddGeoSync"/>) and the API's services;
    /// <paramref name="listenUrl"/> overrides the topology's. Configure logging and replace services, then
    /// <see cref="Build"/>.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(GeoSyncNode node, string? listenUrl = null)
    {
        // The topology is the configuration. No appsettings.json reload: its watcher would watch the working
        // directory recursively, and a data directory under it would make every link a region store writes an
        // inotify event for the host to process.
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.WebHost.UseUrls(listenUrl ?? node.Topology.Engine.Listen);
        builder.Logging.ClearProviders();
        builder.AddGeoSync(node);
        builder.AddGeoSyncTelemetry();
        builder.Services.AddProblemDetails();
        builder.Services.AddGeoSyncApiReference();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.Converters.Add(new Domain.Content.DigestJsonConverter());
        });
        builder.Services.AddSingleton(new RegionTokens(node.Topology, node.Secrets));
        builder.Services.AddSingleton(new RegistryHosts(node.Topology));
        builder.Services.AddSingleton(new StatusAuthorization(node.Topology.Engine.StatusToken is { } reference ? node.Secrets.Resolve(reference) : null));
        builder.Services.AddSingleton<EventIntakeEndpoint>();
        builder.Services.AddSingleton<RegionOverviewReader>();
        builder.Services.AddSingleton<AbandonedEventCatalog>();
        builder.Services.AddSingleton<Planning.PlanService>();
        builder.Services.AddSingleton<Links.LinkReportReader>();
        builder.Services.AddSingleton<HostMetrics>();
        return builder;
    }

    /// <summary>Builds the application and maps the API.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        EventIntakeEndpoint.Map(app);
        app.MapStatus();
        app.MapApiReference();
        app.MapMetrics();
        app.MapGet("/healthz", () => Results.Ok(new HealthStatus("alive")))
            .WithName("Health").WithTags("Health").WithSummary("The process answers.")
            .Produces<HealthStatus>();
        app.MapGet("/readyz", async (IEventInbox inbox, CancellationToken cancellationToken) =>
        {
            try
            {
                _ = await inbox.CountPendingAsync(cancellationToken).ConfigureAwait(false);
                return Results.Ok(new HealthStatus("ready"));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Not ready", "the database does not answer");
            }
        }).WithName("Ready").WithTags("Health").WithSummary("The database answers: events can be accepted.")
            .Produces<HealthStatus>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}

/// <summary>The answer of <c>/healthz</c> and <c>/readyz</c>.</summary>
public sealed record HealthStatus(string Status);
