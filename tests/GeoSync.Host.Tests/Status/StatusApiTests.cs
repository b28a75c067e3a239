using System.Net;
using System.Text.Json;
using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GeoSync.Host.Tests.Status;

public sealed class StatusApiTests(StatusEngineFixture fixture) : IClassFixture<StatusEngineFixture>
{
    private EngineHarness Harness => fixture.Harness;

    [Fact]
    public async Task ListRegions_AfterSync_NoBacklogBytesCopiedIntoTargetsAndLag()
    {
        IReadOnlyList<RegionOverview> regions = await Harness.Client.ListRegionsAsync();

        Assert.Equal(Harness.RegionNames.Order(), regions.Select(r => r.Region).Order());
        foreach (RegionOverview region in regions)
        {
            Assert.True(region.Reachable, $"{region.Region}: {region.ProbeError}");
            Assert.Equal(0, region.Backlog);
            Assert.Equal(0, region.PendingWebhooks);
            Assert.True(region.Synced >= 1, region.Region);
            Assert.NotNull(region.LagP50Milliseconds);
            Assert.True(region.LagP99Milliseconds >= region.LagP50Milliseconds);
        }

        Assert.Equal(0, regions.Single(r => r.Region == "eu").BytesCopied);
        Assert.All(regions.Where(r => r.Region != "eu"), r => Assert.True(r.BytesCopied >= fixture.Image.TotalBytes - 1, $"{r.Region}: {r.BytesCopied} bytes"));
    }

    [Fact]
    public async Task ListRegions_StoreDown_ThatRegionUnreachableOthersReachable()
    {
        Harness.Store("ap").Down = true;
        try
        {
            IReadOnlyList<RegionOverview> regions = await Harness.Client.ListRegionsAsync();
            RegionOverview ap = regions.Single(r => r.Region == "ap");
            Assert.False(ap.Reachable);
            Assert.NotNull(ap.ProbeError);
            Assert.All(regions.Where(r => r.Region != "ap"), r => Assert.True(r.Reachable, r.Region));
        }
        finally
        {
            Harness.Store("ap").Down = false;
        }
    }

    [Fact]
    public async Task ListDeliveries_FilteredByRegionAndState_ThatRegionsDeliveryWithAttempts()
    {
        DeliveryStatus delivery = Assert.Single(await Harness.Client.ListDeliveriesAsync(region: "us", repository: "team/status", state: "Delivered"));

        Assert.Equal("us", delivery.Region);
        Assert.Equal(WebhookedEngine.EndpointOf("us"), delivery.Endpoint);
        Assert.Equal("v1", delivery.Tag);
        Assert.Equal(fixture.Image.Root.Digest.ToString(), delivery.Digest);
        DeliveryAttemptStatus attempt = Assert.Single(delivery.AttemptLog);
        Assert.Equal(200, attempt.StatusCode);
        Assert.Empty(await Harness.Client.ListDeliveriesAsync(region: "us", state: "Failed"));
        Assert.Empty(await Harness.Client.ListDeliveriesAsync(repository: "team/other"));
    }

    public static TheoryData<string, string> BadDeliveryQueries => new()
    {
        { "v1/deliveries?state=Lost", "state" },
        { "v1/deliveries?region=mars", "region" },
        { "v1/deliveries?repository=Bad//Name", "repository" },
        { "v1/deliveries?limit=0", "limit" },
    };

    [Theory]
    [MemberData(nameof(BadDeliveryQueries))]
    public async Task ListDeliveries_BadFilter_400Problem(string path, string field)
    {
        using HttpResponseMessage response = await Harness.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "v1/deliveries/no-such-delivery")]
    [InlineData("POST", "v1/deliveries/no-such-delivery/redeliver")]
    public async Task Delivery_UnknownId_404Problem(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using HttpResponseMessage response = await Harness.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Redeliver_DeliveredWebhook_ReceiverGetsSameWebhookIdAgain()
    {
        DeliveryStatus delivery = Assert.Single(await Harness.Client.ListDeliveriesAsync(region: "ap", repository: "team/status"));
        string endpoint = WebhookedEngine.EndpointOf("ap");
        int before = fixture.Engine.Receiver.Received(endpoint).Count;

        DeliveryStatus requeued = await Harness.Client.RedeliverAsync(delivery.Id);

        Assert.Equal(delivery.Id, requeued.Id);
        await Eventually.HoldsAsync(() => fixture.Engine.Receiver.Received(endpoint).Count > before, TimeSpan.FromSeconds(30), "the redelivery");
        Assert.Equal(delivery.WebhookId, fixture.Engine.Receiver.Received(endpoint)[^1].WebhookId);
        await Eventually.HoldsAsync(
            async () => (await Harness.Client.GetDeliveryAsync(delivery.Id)) is { State: "Delivered", AttemptLog.Count: >= 2 },
            TimeSpan.FromSeconds(30),
            "the redelivery recorded as a second attempt");
    }

    [Fact]
    public async Task OpenApi_EveryMappedRoute_IsDescribedWithItsMethod()
    {
        using JsonDocument document = JsonDocument.Parse(await Harness.Http.GetStringAsync("openapi.json"));
        JsonElement paths = document.RootElement.GetProperty("paths");
        Assert.Equal("3.1.0", document.RootElement.GetProperty("openapi").GetString());

        var routes = Harness.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Path: Normalize(e.RoutePattern.RawText!), Method: m.ToLowerInvariant())))
            .ToList();

        Assert.Contains(routes, r => r.Path == "/v1/regions");
        Assert.Contains(routes, r => r.Path == "/v1/deliveries/{id}/redeliver");
        Assert.All(routes, r => Assert.True(
            paths.TryGetProperty(r.Path, out JsonElement item) && item.TryGetProperty(r.Method, out _),
            $"{r.Method.ToUpperInvariant()} {r.Path} is not in /openapi.json"));
    }

    private static string Normalize(string raw)
    {
        string path = raw.StartsWith('/') ? raw : "/" + raw;
        return path.Replace("{**", "{", StringComparison.Ordinal);
    }
}
