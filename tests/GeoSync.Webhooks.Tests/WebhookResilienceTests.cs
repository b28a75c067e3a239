using GeoSync.Webhooks;
using GeoSync.Persistence.Webhooks;
using GeoSync.Testing;
using GeoSync.Testing.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace GeoSync.Webhooks.Tests;

/// <summary>Isolation between endpoints, the breaker, the maximum age, and a crash between send and record.</summary>
public sealed class WebhookResilienceTests(WebhookReceiverFixture fixture) : IClassFixture<WebhookReceiverFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Dispatcher_OneEndpointHangs_OtherEndpointDeliveredMeanwhile()
    {
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver);
        string secret = bed.EnvironmentSecret("isolation-secret");
        bed.AddEndpoint("stuck", [secret], timeout: TimeSpan.FromSeconds(60), repositories: ["team/stuck"]);
        bed.AddEndpoint("healthy", [secret], repositories: ["team/app"]);
        bed.Program("stuck", ReceiverResponse.Hanging);
        WebhookNode node = await bed.StartNodeAsync();

        // Queue the stuck endpoint's deliveries first: a serial dispatcher would never reach the healthy one.
        for (int i = 0; i < 3; i++)
        {
            await node.Publisher.EnqueueAsync(bed.Notice("team/stuck", $"stuck-{i}"));
        }

        await Eventually.HoldsAsync(() => bed.Received("stuck").Count > 0, Deadline, "the stuck endpoint got a request");
        NewWebhookDelivery healthy = Assert.Single(await node.Publisher.EnqueueAsync(bed.Notice("team/app", "1.0")));

        await bed.AwaitStateAsync(healthy.DeliveryId, WebhookDeliveryState.Delivered);
        IReadOnlyList<WebhookDeliveryDetails> stuck = await bed.Outbox.ListAsync(new WebhookDeliveryQuery(Endpoint: "stuck"));
        Assert.Equal(3, stuck.Count);
        Assert.All(stuck, d => Assert.Equal(WebhookDeliveryState.Pending, d.Delivery.State));
        Assert.All(stuck, d => Assert.Empty(d.Attempts)); // their attempts are still under way
    }

    [Fact]
    public async Task Dispatcher_EndpointKeepsFailing_BreakerOpensForThatEndpointOnly()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver, time);
        Action<WebhookOptions> defaults = bed.Options;
        bed.Options = o =>
        {
            defaults(o);
            o.BreakerFailureThreshold = 3;
            o.BreakDuration = TimeSpan.FromMinutes(1);
            o.MaxConcurrencyPerEndpoint = 1;
        };
        string secret = bed.EnvironmentSecret("breaker-secret");
        bed.AddEndpoint("broken", [secret], repositories: ["team/broken"]);
        bed.AddEndpoint("healthy", [secret], repositories: ["team/app"]);
        bed.Program("broken", ReceiverResponse.Status(500));
        WebhookNode node = await bed.StartNodeAsync();
        var broken = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            broken.Add(Assert.Single(await node.Publisher.EnqueueAsync(bed.Notice("team/broken", $"b{i}"))).DeliveryId);
        }

        await Eventually.HoldsAsync(
            () => node.Dispatcher.Endpoints.Any(e => e.Endpoint == "broken" && e.Breaker == "Open"), Deadline, "the broken endpoint's breaker opened");
        NewWebhookDelivery healthy = Assert.Single(await node.Publisher.EnqueueAsync(bed.Notice("team/app", "h1")));
        await bed.AwaitStateAsync(healthy.DeliveryId, WebhookDeliveryState.Delivered);

        // The healthy endpoint delivered everything while the broken one's breaker held its deliveries back.
        Assert.Equal(3, bed.Received("broken").Count);
        int[] attempts = [.. (await Task.WhenAll(broken.Select(bed.DeliveryAsync))).Select(d => d.Delivery.Attempts)];
        Assert.Equal(3, attempts.Count(a => a == 1));
        Assert.Equal(2, attempts.Count(a => a == 0));
        Assert.Contains(node.Dispatcher.Endpoints, e => e.Endpoint == "healthy" && e.Breaker == "Closed");

        // After the break, one probe goes out; it is answered, the breaker closes and the backlog drains.
        bed.Program("broken", ReceiverResponse.Ok);
        time.Advance(TimeSpan.FromMinutes(1));
        foreach (string id in broken)
        {
            await bed.AwaitStateAsync(id, WebhookDeliveryState.Delivered, advancing: time);
        }

        Assert.Contains(node.Dispatcher.Endpoints, e => e.Endpoint == "broken" && e.Breaker == "Closed");
    }

    [Fact]
    public async Task Dispatcher_FailingPastMaxAge_Expired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver, time);
        bed.AddEndpoint("deploy", [bed.EnvironmentSecret("max-age-secret")], maxAge: TimeSpan.FromMinutes(10));
        bed.Program("deploy", ReceiverResponse.Status(503));
        WebhookNode node = await bed.StartNodeAsync();
        NewWebhookDelivery delivery = Assert.Single(await node.Publisher.EnqueueAsync(bed.Notice()));
        await Eventually.HoldsAsync(async () => (await bed.DeliveryAsync(delivery.DeliveryId)).Attempts.Count == 1, Deadline, "first attempt recorded");

        time.Advance(TimeSpan.FromMinutes(10));

        await bed.AwaitStateAsync(delivery.DeliveryId, WebhookDeliveryState.Expired, advancing: time);
        WebhookDeliveryDetails stored = await bed.DeliveryAsync(delivery.DeliveryId);
        Assert.Single(stored.Attempts);
        Assert.Single(bed.Received("deploy"));
        Assert.Contains("HTTP 503", stored.Delivery.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatcher_CrashBetweenSendAndRecord_NextNodeSendsSameWebhookIdAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver, time);
        const string secret = "crash-secret";
        bed.AddEndpoint("deploy", [bed.EnvironmentSecret(secret)], timeout: TimeSpan.FromSeconds(60));
        bed.Program("deploy", ReceiverResponse.Hanging, ReceiverResponse.Ok);
        WebhookNode first = await bed.StartNodeAsync();
        NewWebhookDelivery delivery = Assert.Single(await first.Publisher.EnqueueAsync(bed.Notice()));
        await Eventually.HoldsAsync(() => bed.Received("deploy").Count == 1, Deadline, "the receiver got the first request");

        // The process dies while the receiver holds the request: nothing about the attempt is recorded.
        await first.DisposeAsync();
        WebhookDeliveryDetails afterCrash = await bed.DeliveryAsync(delivery.DeliveryId);
        Assert.Equal((WebhookDeliveryState.Pending, 1), (afterCrash.Delivery.State, afterCrash.Delivery.Attempts));
        Assert.Empty(afterCrash.Attempts);

        // The restarted process claims the row once the dead one's lease has run out, and sends it again.
        WebhookNode second = await bed.StartNodeAsync();
        time.Advance(TimeSpan.FromSeconds(60) + TimeSpan.FromSeconds(5));

        await bed.AwaitStateAsync(delivery.DeliveryId, WebhookDeliveryState.Delivered, advancing: time);
        IReadOnlyList<ReceivedWebhook> received = bed.Received("deploy");
        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.Equal(delivery.WebhookId, r.WebhookId));
        Assert.True(received[1].VerifiesWith(secret));
        WebhookAttempt recorded = Assert.Single((await bed.DeliveryAsync(delivery.DeliveryId)).Attempts);
        Assert.Equal((2, 200), (recorded.Attempt, recorded.StatusCode));
        await second.DisposeAsync();
    }
}
