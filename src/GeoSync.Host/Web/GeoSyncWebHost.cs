using GeoSync.Host.Engine;
using GeoSync.Host.Intake;
using GeoSync.Host.Status;
using GeoSync.Host.Telemetry;
using Microsoft.Extensions.Logging;

namespace GeoSync.Host.Web;

/// <summary>The HTTP host of an engine: event intake, status, health. Kestrel on the topology's listen address.</summary>
public static class GeoSyncWebHost
{
    /// <summary>Builds (does not start) the web application; <paramref name="listenUrl"/> overrides the topology's.</summary>
    public static WebApplication Build(GeoSyncEngine engine, string? listenUrl = null, Action<ILoggingBuilder>? logging = null)
    {
        // The topology is the configuration. No appsettings.json reload: its watcher would watch the working
        // directory recursively, and a data directory under it would make every link a region store writes an
        // inotify event for the host to process.
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.WebHost.UseUrls(listenUrl ?? engine.Topology.Engine.Listen);
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.Converters.Add(new Domain.Content.DigestJsonConverter());
        });

        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var tokens = new RegionTokens(engine.Topology, engine.Secrets);
        string? statusToken = engine.Topology.Engine.StatusToken is { } reference ? engine.Secrets.Resolve(reference) : null;
        app.MapEventIntake(engine, tokens);
        app.MapStatus(engine, new StatusAuthorization(statusToken));
        app.MapOpenApiDocument();
        app.MapMetrics(engine);
        TelemetryProviders telemetry = TelemetryProviders.Start();
        app.Lifetime.ApplicationStopped.Register(telemetry.Dispose);
        app.MapGet("/healthz", () => Results.Ok(new { status = "alive" }));
        app.MapGet("/readyz", async (CancellationToken cancellationToken) =>
        {
            try
            {
                _ = await engine.Database.Inbox.CountPendingAsync(cancellationToken).ConfigureAwait(false);
                return Results.Ok(new { status = "ready" });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Not ready", "the database does not answer");
            }
        });
        return app;
    }
}
