using System.Diagnostics;
using System.Text.Json;
using GeoSync.Webhooks;
using GeoSync.Persistence.Webhooks;
using GeoSync.Testing;
using GeoSync.Testing.Webhooks;

namespace GeoSync.Webhooks.Tests;

/// <summary>Deliveries from the outbox to a real loopback receiver: payload, signatures, retries, final answers.</summary>
public sealed class WebhookDeliveryTests(WebhookReceiverFixture fixture) : IClassFixture<WebhookReceiverFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task EnqueueAsync_RegionSynced_ReceiverGetsSignedCloudEventWithTraceParent()
    {
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver);
        const string secret = "raw-secret-value-1";
        bed.AddEndpoint("deploy", [bed.EnvironmentSecret(secret)]);
        WebhookNode node = await bed.StartNodeAsync();
        ImageNotice notice = bed.Notice() with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };

        IReadOnlyList<NewWebhookDelivery> queued = await node.Publisher.EnqueueAsync(notice);

        NewWebhookDelivery delivery = Assert.Single(queued);
        await bed.AwaitStateAsync(delivery.DeliveryId, WebhookDeliveryState.Delivered);
        ReceivedWebhook received = Assert.Single(bed.Received("deploy"));
        Assert.True(received.VerifiesWith(secret), "signature verifies with the endpoint's secret");
        Assert.False(received.VerifiesWith("another-secret"), "signature does not verify with another secret");
        Assert.Equal(delivery.WebhookId, received.WebhookId);
        Assert.StartsWith("application/cloudevents+json", received.ContentType, StringComparison.Ordinal);
        Assert.InRange(long.Parse(received.WebhookTimestamp!, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Contains("0af7651916cd43dd8448eb211c80319c", received.TraceParent, StringComparison.Ordinal);

        using JsonDocument json = JsonDocument.Parse(received.Body);
        JsonElement e = json.RootElement;
        Assert.Equal("1.0", e.GetProperty("specversion").GetString());
        Assert.Equal("io.geosync.image.synced", e.GetProperty("type").GetString());
        Assert.Equal($"/geosync/regions/{bed.RegionName}", e.GetProperty("source").GetString());
        Assert.Equal(delivery.WebhookId, e.GetProperty("id").GetString());
        Assert.Equal("team/app:1.0", e.GetProperty("subject").GetString());
        Assert.Equal("application/json", e.GetProperty("datacontenttype").GetString());
        JsonElement data = e.GetProperty("data");
        Assert.Equal(bed.RegionName, data.GetProperty("region").GetProperty("name").GetString());
        Assert.Equal("eu.registry.example.com", data.GetProperty("region").GetProperty("registry").GetProperty("public").GetString());
        Assert.Equal("registry.eu.internal", data.GetProperty("region").GetProperty("registry").GetProperty("vpc").GetString());
        Assert.Equal(notice.Digest, data.GetProperty("digest").GetString());
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], data.GetProperty("platforms").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("us", data.GetProperty("sourceRegion").GetString());
        Assert.Equal(3000, data.GetProperty("lagMs").GetInt64());

        WebhookDeliveryDetails stored = await bed.DeliveryAsync(delivery.DeliveryId);
        WebhookAttempt attempt = Assert.Single(stored.Attempts);
        Assert.Equal((1, 200, null), (attempt.Attempt, attempt.StatusCode, attempt.Error));
    }

    [Fact]
    public async Task EnqueueAsync_TwoSecretsDuringRotation_SignatureVerifiesWithEach()
    {
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver);
        string oldSecret = "whsec_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        const string newSecret = "new-raw-secret";
        bed.AddEndpoint("deploy", [bed.EnvironmentSecret(oldSecret), bed.FileSecret(newSecret)]);
        WebhookNode node = await bed.StartNodeAsync();

        NewWebhookDelivery delivery = Assert.Single(await node.Publisher.EnqueueAsync(bed.Notice()));

        await bed.AwaitStateAsync(delivery.DeliveryId, WebhookDeliveryState.Delivered);
        ReceivedWebhook received = Assert.Single(bed.Received("deploy"));
        Assert.Equal(2, received.WebhookSignature!.Split(' ').Length);
        Assert.True(received.VerifiesWith(oldSecret), "verifies with the old (whsec_) secret");
        Assert.True(received.VerifiesWith(newSecret), "verifies with the new (raw) secret");
        Assert.False(received.VerifiesWith(oldSecret[6..]), "a whsec_ secret signs with its decoded bytes, not its text");
    }

    public static TheoryData<int, int, WebhookDeliveryState> FirstAnswers => new()
    {
        // first answer, attempts made, final state (the second answer is always 200)
        { 500, 2, WebhookDeliveryState.Delivered },
        { 503, 2, WebhookDeliveryState.Delivered },
        { 408, 2, WebhookDeliveryState.Delivered },
        { 429, 2, WebhookDeliveryState.Delivered },
        { 400, 1, WebhookDeliveryState.Failed },
        { 404, 1, WebhookDeliveryState.Failed },
        { 410, 1, WebhookDeliveryState.Failed },
        { 301, 1, WebhookDeliveryState.Failed },
        { 204, 1, WebhookDeliveryState.Delivered },
    };

    [Theory]
    [MemberData(nameof(FirstAnswers))]
    public async Task Dispatcher_FirstAnswer_RetriedOnlyWhenTransient(int firstStatus, int expectedAttempts, WebhookDeliveryState expectedState)
    {
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver);
        bed.AddEndpoint("deploy", [bed.EnvironmentSecret("s3cr3t-" + firstStatus)]);
        bed.Program("deploy", ReceiverResponse.Status(firstStatus), ReceiverResponse.Ok);
        WebhookNode node = await bed.StartNodeAsync();

        NewWebhookDelivery delivery = Assert.Single(await node.Publisher.EnqueueAsync(bed.Notice()));

        await bed.AwaitStateAsync(delivery.DeliveryId, expectedState);
        WebhookDeliveryDetails stored = await bed.DeliveryAsync(delivery.DeliveryId);
        Assert.Equal(expectedAttempts, stored.Attempts.Count);
        Assert.Equal(firstStatus, stored.Attempts[0].StatusCode);
        Assert.Equal(expectedAttempts, bed.Received("deploy").Count);
        Assert.All(bed.Received("deploy"), r => Assert.Equal(delivery.WebhookId, r.WebhookId));
        if (expectedState == WebhookDeliveryState.Failed)
        {
            Assert.Contains($"HTTP {firstStatus}", stored.Attempts[0].Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dispatcher_TooManyRequestsWithRetryAfter_WaitsAtLeastThatLong()
    {
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver);
        bed.AddEndpoint("deploy", [bed.EnvironmentSecret("retry-after-secret")]);
        bed.Program("deploy", ReceiverResponse.TooManyRequests("1"), ReceiverResponse.Ok);
        WebhookNode node = await bed.StartNodeAsync();

        NewWebhookDelivery delivery = Assert.Single(await node.Publisher.EnqueueAsync(bed.Notice()));

        await bed.AwaitStateAsync(delivery.DeliveryId, WebhookDeliveryState.Delivered);
        IReadOnlyList<ReceivedWebhook> received = bed.Received("deploy");
        Assert.Equal(2, received.Count);
        TimeSpan gap = Stopwatch.GetElapsedTime(received[0].ReceivedAtTimestamp, received[1].ReceivedAtTimestamp);
        // Without Retry-After the retry would come after ~50 ms (the test's base delay).
        Assert.True(gap >= TimeSpan.FromSeconds(1), $"retried after {gap.TotalMilliseconds:0} ms, before Retry-After: 1");
    }

    [Fact]
    public async Task EnqueueAsync_SameNoticeTwice_OneDelivery()
    {
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver);
        bed.AddEndpoint("deploy", [bed.EnvironmentSecret("idempotent-secret")]);
        WebhookNode node = await bed.StartNodeAsync();
        ImageNotice notice = bed.Notice();

        NewWebhookDelivery first = Assert.Single(await node.Publisher.EnqueueAsync(notice));
        await node.Publisher.EnqueueAsync(notice);

        await bed.AwaitStateAsync(first.DeliveryId, WebhookDeliveryState.Delivered);
        IReadOnlyList<WebhookDeliveryDetails> all = await bed.Outbox.ListAsync(new WebhookDeliveryQuery(Region: bed.RegionName));
        Assert.Equal(first.DeliveryId, Assert.Single(all).Delivery.DeliveryId);
        Assert.Single(bed.Received("deploy"));
    }

    [Fact]
    public async Task EnqueueAsync_EndpointFilters_OnlyMatchingEndpointsGetDeliveries()
    {
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver);
        string secret = bed.EnvironmentSecret("filter-secret");
        bed.AddEndpoint("all", [secret]);
        bed.AddEndpoint("team-releases", [secret], repositories: ["team/**"], tags: [@"v\d+(\.\d+)*"]);
        WebhookNode node = await bed.StartNodeAsync();

        IReadOnlyList<NewWebhookDelivery> release = await node.Publisher.EnqueueAsync(bed.Notice("team/app", "v2"));
        IReadOnlyList<NewWebhookDelivery> snapshot = await node.Publisher.EnqueueAsync(bed.Notice("team/app", "main-123"));
        IReadOnlyList<NewWebhookDelivery> otherTeam = await node.Publisher.EnqueueAsync(bed.Notice("other/app", "v2"));
        IReadOnlyList<NewWebhookDelivery> unknownRegion = await node.Publisher.EnqueueAsync(bed.Notice() with { Region = "nowhere" });

        Assert.Equal(["all", "team-releases"], release.Select(d => d.Endpoint).Order());
        Assert.Equal(["all"], snapshot.Select(d => d.Endpoint));
        Assert.Equal(["all"], otherTeam.Select(d => d.Endpoint));
        Assert.Empty(unknownRegion);
        Assert.NotEqual(release[0].WebhookId, release[1].WebhookId);
    }

    [Fact]
    public async Task EnqueueAsync_Referrer_OnlyEndpointsWhoseTagPatternsAskForIt()
    {
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver);
        string secret = bed.EnvironmentSecret("referrer-secret");
        bed.AddEndpoint("all", [secret]);
        bed.AddEndpoint("releases", [secret], tags: [@"v\d+"]);
        bed.AddEndpoint("signatures", [secret], tags: [@"sha256-[a-f0-9]{64}\.sig"]);
        WebhookNode node = await bed.StartNodeAsync();
        string sigTag = $"sha256-{new string('c', 64)}.sig";

        IReadOnlyList<NewWebhookDelivery> signature = await node.Publisher.EnqueueAsync(bed.Notice("team/app", sigTag) with { Referrer = true });
        IReadOnlyList<NewWebhookDelivery> image = await node.Publisher.EnqueueAsync(bed.Notice("team/app", "v2"));

        Assert.Equal(["signatures"], signature.Select(d => d.Endpoint));
        Assert.Equal(["all", "releases"], image.Select(d => d.Endpoint).Order());
    }

    [Fact]
    public async Task RedeliverAsync_DeliveredDelivery_SentAgainWithSameWebhookIdAndBody()
    {
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver);
        const string secret = "redeliver-secret";
        bed.AddEndpoint("deploy", [bed.EnvironmentSecret(secret)]);
        WebhookNode node = await bed.StartNodeAsync();
        NewWebhookDelivery delivery = Assert.Single(await node.Publisher.EnqueueAsync(bed.Notice()));
        await bed.AwaitStateAsync(delivery.DeliveryId, WebhookDeliveryState.Delivered);

        WebhookDelivery? requeued = await node.Publisher.RedeliverAsync(delivery.DeliveryId);

        Assert.NotNull(requeued);
        await Eventually.HoldsAsync(() => bed.Received("deploy").Count == 2, Deadline, "the receiver got the delivery twice");
        await bed.AwaitStateAsync(delivery.DeliveryId, WebhookDeliveryState.Delivered);
        IReadOnlyList<ReceivedWebhook> received = bed.Received("deploy");
        Assert.All(received, r => Assert.Equal(delivery.WebhookId, r.WebhookId));
        Assert.Equal(received[0].BodyText, received[1].BodyText);
        Assert.True(received[1].VerifiesWith(secret));
        Assert.Equal([1, 2], (await bed.DeliveryAsync(delivery.DeliveryId)).Attempts.Select(a => a.Attempt));
        Assert.Null(await node.Publisher.RedeliverAsync("no-such-delivery"));
    }
}
