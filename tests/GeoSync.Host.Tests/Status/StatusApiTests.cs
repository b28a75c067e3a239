using System.Net;
using System.Text.Json;
using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using GeoSync.Host.Web;
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
        using JsonDocument document = await OpenApiAsync();
        JsonElement paths = document.RootElement.GetProperty("paths");
        Assert.StartsWith("3.1.", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);

        var routes = Harness.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Path: Normalize(e.RoutePattern.RawText!), Method: m.ToLowerInvariant())))
            .Where(r => !IsApiReference(r.Path))
            .ToList();

        Assert.Contains(routes, r => r.Path == "/v1/regions");
        Assert.Contains(routes, r => r.Path == "/v1/deliveries/{id}/redeliver");
        Assert.Contains(routes, r => r.Path == "/metrics");
        Assert.All(routes, r => Assert.True(
            paths.TryGetProperty(r.Path, out JsonElement item) && item.TryGetProperty(r.Method, out _),
            $"{r.Method.ToUpperInvariant()} {r.Path} is not in /openapi.json"));
    }

    public static TheoryData<string, string, string, string?> ProblemAnswers => new()
    {
        { "GET", "v1/repositories?limit=0", "/v1/repositories", null },
        { "GET", "v1/repositories/Bad//Name", "/v1/repositories/{name}", null },
        { "GET", "v1/repositories/team/never-pushed", "/v1/repositories/{name}", null },
        { "GET", "v1/events/no-such-event", "/v1/events/{id}", null },
        { "POST", "v1/resync", "/v1/resync", """{"tag":"-bad-"}""" },
        { "GET", "v1/deliveries?state=Lost", "/v1/deliveries", null },
        { "GET", "v1/deliveries/no-such-delivery", "/v1/deliveries/{id}", null },
        { "POST", "v1/deliveries/no-such-delivery/redeliver", "/v1/deliveries/{id}/redeliver", null },
        { "POST", "v1/events", "/v1/events", """{"events":[]}""" },
    };

    [Theory]
    [MemberData(nameof(ProblemAnswers))]
    public async Task OpenApi_ProblemTheApiAnswers_IsDocumentedAsProblemDetails(string method, string request, string route, string? body)
    {
        using var message = new HttpRequestMessage(new HttpMethod(method), request)
        {
            Content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        using HttpResponseMessage response = await Harness.Http.SendAsync(message);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        using JsonDocument document = await OpenApiAsync();
        JsonElement responses = document.RootElement.GetProperty("paths").GetProperty(route).GetProperty(method.ToLowerInvariant()).GetProperty("responses");
        string status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(responses.TryGetProperty(status, out JsonElement documented), $"{method} {route} answers {status}, which /openapi.json does not list");
        string? schema = documented.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString();
        Assert.Equal("#/components/schemas/ProblemDetails", schema);
        JsonElement problem = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails").GetProperty("properties");
        Assert.All(new[] { "type", "title", "status", "detail" }, p => Assert.True(problem.TryGetProperty(p, out _), p));
    }

    [Fact]
    public async Task OpenApi_V1Routes_DeclareTheBearerScheme()
    {
        using JsonDocument document = await OpenApiAsync();

        JsonElement scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var v1 = document.RootElement.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/v1/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(v1);
        Assert.All(v1.SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Method: o.Name, Operation: o.Value))), o => Assert.True(
            o.Operation.TryGetProperty("security", out JsonElement security) && security[0].TryGetProperty("bearer", out _),
            $"{o.Method.ToUpperInvariant()} {o.Path} does not name the bearer scheme"));
        Assert.False(document.RootElement.GetProperty("paths").GetProperty("/healthz").GetProperty("get").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task Docs_ServesTheReferencePageOfTheDocumentWithItsScriptsFromTheNode()
    {
        using HttpResponseMessage response = await Harness.Http.GetAsync("docs");
        string page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>GeoSync API</title>", page, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"openapi.json\"", page, StringComparison.Ordinal);
        var scripts = System.Text.RegularExpressions.Regex.Matches(page, "<script[^>]* src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("scalar.js", scripts);
        foreach (string script in scripts)
        {
            // Relative to the page: the node serves the reference's scripts itself, no CDN is needed.
            using HttpResponseMessage loaded = await Harness.Http.GetAsync(new Uri(response.RequestMessage!.RequestUri!, script));
            Assert.True(loaded.IsSuccessStatusCode, $"{script}: {loaded.StatusCode}");
            Assert.Contains("javascript", loaded.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }
    }

    private async Task<JsonDocument> OpenApiAsync() => JsonDocument.Parse(await Harness.Http.GetStringAsync("openapi.json"));

    private static bool IsApiReference(string path) =>
        path == ApiReference.DocumentPath || path == ApiReference.PagePath || path.StartsWith(ApiReference.PagePath + "/", StringComparison.Ordinal);

    private static string Normalize(string raw)
    {
        string path = raw.StartsWith('/') ? raw : "/" + raw;
        return path.Replace("{**", "{", StringComparison.Ordinal);
    }
}
