using GeoSync.Persistence;
using GeoSync.Persistence.Webhooks;
using GeoSync.Testing;
using GeoSync.Testing.Postgres;
using GeoSync.Testing.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace GeoSync.Webhooks.Tests;

/// <summary>One real PostgreSQL server for the webhook tests that need it; each test gets its own database.</summary>
[CollectionDefinition(Name)]
public sealed class WebhookPostgresCollection : ICollectionFixture<PostgresServer>, ICollectionFixture<WebhookReceiverFixture>
{
    public const string Name = "webhooks-postgres";
}

/// <summary>Dispatch over a shared PostgreSQL outbox: several nodes, a crashed node, retries.</summary>
[Collection(WebhookPostgresCollection.Name)]
public sealed class WebhookPostgresTests(PostgresServer server, WebhookReceiverFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private async Task<WebhookTestBed> BedAsync(TimeProvider? time = null) =>
        await WebhookTestBed.CreateAsync(fixture.Receiver, time, new PersistenceOptions
        {
            Provider = PersistenceOptions.Postgres,
            ConnectionString = await server.CreateDatabaseAsync("webhooks"),
        });

    [Fact]
    public async Task Dispatchers_ThreeNodesShareOutbox_EachDeliverySentOnce()
    {
        await using WebhookTestBed bed = await BedAsync();
        bed.AddEndpoint("a", [bed.EnvironmentSecret("pg-a")]);
        bed.AddEndpoint("b", [bed.EnvironmentSecret("pg-b")]);
        bed.Program("a", ReceiverResponse.Slow(TimeSpan.FromMilliseconds(20)));
        WebhookNode[] nodes = [await bed.StartNodeAsync(), await bed.StartNodeAsync(), await bed.StartNodeAsync()];

        var ids = new List<string>();
        for (int i = 0; i < 30; i++)
        {
            // Spread over the nodes, as events arrive at any node of a cluster.
            ids.AddRange((await nodes[i % 3].Publisher.EnqueueAsync(bed.Notice("team/app", $"t{i}"))).Select(d => d.WebhookId));
        }

        await Eventually.HoldsAsync(async () => await bed.Outbox.CountPendingAsync() == 0, Deadline, "every delivery left Pending");
        IReadOnlyList<WebhookDeliveryDetails> all = await bed.Outbox.ListAsync(new WebhookDeliveryQuery(Region: bed.RegionName));
        Assert.Equal(60, all.Count);
        Assert.All(all, d => Assert.Equal((WebhookDeliveryState.Delivered, 1), (d.Delivery.State, d.Delivery.Attempts)));
        IReadOnlyList<ReceivedWebhook> received = [.. bed.Received("a"), .. bed.Received("b")];
        Assert.Equal(ids.Order(), received.Select(r => r.WebhookId!).Order());
    }

    [Fact]
    public async Task Dispatcher_CrashBetweenSendAndRecord_AnotherNodeSendsSameWebhookIdAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using WebhookTestBed bed = await BedAsync(time);
        bed.AddEndpoint("deploy", [bed.EnvironmentSecret("pg-crash")], timeout: TimeSpan.FromSeconds(60));
        bed.Program("deploy", ReceiverResponse.Hanging, ReceiverResponse.Ok);
        WebhookNode first = await bed.StartNodeAsync();
        WebhookNode second = await bed.StartNodeAsync();
        NewWebhookDelivery delivery = Assert.Single(await first.Publisher.EnqueueAsync(bed.Notice()));
        await Eventually.HoldsAsync(() => bed.Received("deploy").Count == 1, Deadline, "the receiver got the first request");

        // Whichever node holds the claim dies; the other must wait for the lease, then send again.
        await first.DisposeAsync();
        await second.DisposeAsync();
        Assert.Equal(WebhookDeliveryState.Pending, (await bed.DeliveryAsync(delivery.DeliveryId)).Delivery.State);
        WebhookNode third = await bed.StartNodeAsync();
        time.Advance(TimeSpan.FromSeconds(65));

        await bed.AwaitStateAsync(delivery.DeliveryId, WebhookDeliveryState.Delivered, Deadline, advancing: time);
        IReadOnlyList<ReceivedWebhook> received = bed.Received("deploy");
        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.Equal(delivery.WebhookId, r.WebhookId));
        await third.DisposeAsync();
    }

    [Fact]
    public async Task Dispatcher_ServerErrorThenOk_RetriedAndAttemptsQueryable()
    {
        await using WebhookTestBed bed = await BedAsync();
        bed.AddEndpoint("deploy", [bed.EnvironmentSecret("pg-retry")]);
        bed.Program("deploy", ReceiverResponse.Status(500, "try later"), ReceiverResponse.Status(502), ReceiverResponse.Ok);
        WebhookNode node = await bed.StartNodeAsync();

        NewWebhookDelivery delivery = Assert.Single(await node.Publisher.EnqueueAsync(bed.Notice()));

        await bed.AwaitStateAsync(delivery.DeliveryId, WebhookDeliveryState.Delivered, Deadline);
        WebhookDeliveryDetails stored = Assert.Single(await bed.Outbox.ListAsync(new WebhookDeliveryQuery(Region: bed.RegionName, Repository: "team/app", State: WebhookDeliveryState.Delivered)));
        Assert.Equal([500, 502, 200], stored.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.Contains("try later", stored.Attempts[0].Error, StringComparison.Ordinal);
        Assert.Equal(3, bed.Received("deploy").Count);
    }
}
