using GeoSync.Domain.Names;
using GeoSync.Grains.Regions;
using GeoSync.Persistence.Webhooks;
using GeoSync.Webhooks;

namespace GeoSync.Host.Status;

/// <summary>
/// Regions and deploy-webhook deliveries on the read API: <c>GET /v1/regions</c>, <c>GET /v1/deliveries</c>,
/// <c>GET /v1/deliveries/{id}</c> and <c>POST /v1/deliveries/{id}/redeliver</c>. Mapped on the token-guarded group.
/// </summary>
internal static class DeliveryEndpoints
{
    /// <summary>How long a region's store may take to answer the reachability probe.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static RouteGroupBuilder MapRegionsAndDeliveries(this RouteGroupBuilder group)
    {
        group.MapGet("/regions", async (RegionOverviewReader overviews, CancellationToken cancellationToken) =>
            Results.Ok(new RegionList(await overviews.ReadAsync(ProbeTimeout, cancellationToken).ConfigureAwait(false))))
            .WithName("ListRegions").WithTags("Status")
            .WithSummary("Reachability, backlog, bytes copied and lag per region.")
            .Produces<RegionList>();

        group.MapGet("/deliveries", async (string? region, string? repository, string? state, int? limit, RegionDirectory regions, IWebhookOutbox outbox, CancellationToken cancellationToken) =>
        {
            if (region is not null && !regions.Contains(region))
            {
                return Problems.BadRequest($"no region is named '{region}'", "region");
            }

            if (repository is not null && !RepositoryName.TryParse(repository, out _, out string? error))
            {
                return Problems.BadRequest(error, "repository");
            }

            WebhookDeliveryState? parsedState = null;
            if (state is not null)
            {
                if (!Enum.TryParse(state, ignoreCase: true, out WebhookDeliveryState s) || !Enum.IsDefined(s))
                {
                    return Problems.BadRequest($"state must be one of {string.Join(", ", Enum.GetNames<WebhookDeliveryState>())}", "state");
                }

                parsedState = s;
            }

            if (limit is < 1 or > 1000)
            {
                return Problems.BadRequest("limit must be between 1 and 1000", "limit");
            }

            IReadOnlyList<WebhookDeliveryDetails> deliveries = await outbox.ListAsync(
                new WebhookDeliveryQuery(region, repository, parsedState, Limit: limit ?? 100), cancellationToken).ConfigureAwait(false);
            return Results.Ok(new DeliveryList([.. deliveries.Select(DeliveryStatus.From)]));
        }).WithName("ListDeliveries").WithTags("Webhooks")
            .WithSummary("Deploy-webhook deliveries with their attempts, newest first.")
            .Produces<DeliveryList>().ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/deliveries/{id}", async (string id, IWebhookOutbox outbox, CancellationToken cancellationToken) =>
        {
            WebhookDeliveryDetails? details = await outbox.GetAsync(id, cancellationToken).ConfigureAwait(false);
            return details is null ? Problems.NotFound($"no webhook delivery has id '{id}'") : Results.Ok(DeliveryStatus.From(details));
        }).WithName("GetDelivery").WithTags("Webhooks")
            .WithSummary("One deploy-webhook delivery with its attempts.")
            .Produces<DeliveryStatus>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/deliveries/{id}/redeliver", async (string id, IWebhookPublisher webhooks, IWebhookOutbox outbox, CancellationToken cancellationToken) =>
        {
            WebhookDelivery? delivery = await webhooks.RedeliverAsync(id, cancellationToken).ConfigureAwait(false);
            if (delivery is null)
            {
                return Problems.NotFound($"no webhook delivery has id '{id}'");
            }

            WebhookDeliveryDetails? details = await outbox.GetAsync(id, cancellationToken).ConfigureAwait(false);
            return Results.Ok(details is null ? null : DeliveryStatus.From(details));
        }).WithName("RedeliverDelivery").WithTags("Webhooks")
            .WithSummary("Queues a delivery again, with the same webhook-id.")
            .Produces<DeliveryStatus>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/webhook-endpoints", (WebhookDispatcher dispatcher) => Results.Ok(new WebhookEndpointList(dispatcher.Endpoints)))
            .WithName("ListWebhookEndpoints").WithTags("Webhooks")
            .WithSummary("Webhook endpoints and their circuit breakers.")
            .Produces<WebhookEndpointList>();
        return group;
    }
}

/// <summary>The answer of <c>GET /v1/webhook-endpoints</c>.</summary>
public sealed record WebhookEndpointList(IReadOnlyList<WebhookEndpointStatus> Endpoints);
