using GeoSync.Persistence.Webhooks;
using GeoSync.Testing;
using GeoSync.Testing.Postgres;

namespace GeoSync.Persistence.Tests.Webhooks;

/// <summary>
/// The webhook outbox contract, run against every engine through <see cref="GeoSyncDatabase"/> and the production
/// schema scripts. Times are passed in, so no clock is involved.
/// </summary>
public abstract class WebhookOutboxContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly WebhookEndpointKey Eu = new("eu", "deploy");
    private readonly List<GeoSyncDatabase> _opened = [];

    private IWebhookOutbox Outbox { get; set; } = null!;

    protected abstract PersistenceOptions Options { get; }

    protected virtual Task CreateDatabaseAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        Outbox = (await OpenAsync()).WebhookOutbox;
    }

    public async Task DisposeAsync()
    {
        foreach (GeoSyncDatabase database in _opened)
        {
            await database.DisposeAsync();
        }
    }

    private async Task<GeoSyncDatabase> OpenAsync()
    {
        GeoSyncDatabase database = await GeoSyncDatabase.OpenAsync(Options);
        _opened.Add(database);
        return database;
    }

    private static NewWebhookDelivery Delivery(string id, string region = "eu", string endpoint = "deploy", string repository = "team/app", string? tag = "1.0", int createdSecond = 0) =>
        new($"d-{id}", $"msg_{id}", region, endpoint, "io.geosync.image.synced", repository, tag,
            "sha256:" + new string('a', 64), $$"""{"id":"msg_{{id}}"}""", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            T0.AddSeconds(createdSecond), T0.AddHours(1));

    private static WebhookAttemptResult Result(WebhookDelivery claimed, WebhookDeliveryState state, int? status, DateTimeOffset next, string? error = null) =>
        new(new WebhookAttempt(claimed.DeliveryId, claimed.Attempts, T0, 12, status, error), state, next);

    [Fact]
    public async Task EnqueueAsync_SameWebhookIdTwice_StoredOnce()
    {
        int first = await Outbox.EnqueueAsync([Delivery("1"), Delivery("2", tag: null)]);
        int again = await Outbox.EnqueueAsync([Delivery("1") with { DeliveryId = "d-other" }]);

        Assert.Equal((2, 0), (first, again));
        WebhookDeliveryDetails? stored = await Outbox.GetAsync("d-2");
        Assert.NotNull(stored);
        Assert.Equal((WebhookDeliveryState.Pending, 0, (string?)null, T0), (stored.Delivery.State, stored.Delivery.Attempts, stored.Delivery.Tag, stored.Delivery.NextAttemptAt));
        Assert.Equal(Delivery("2").Payload, stored.Delivery.Payload);
        Assert.Equal(Delivery("2").TraceParent, stored.Delivery.TraceParent);
        Assert.Null(await Outbox.GetAsync("d-other"));
    }

    [Fact]
    public async Task ClaimDueAsync_DueRows_ClaimedOldestFirstUnderLeaseWithAttemptCounted()
    {
        await Outbox.EnqueueAsync([Delivery("late", createdSecond: 30), Delivery("early", createdSecond: 10), Delivery("other", endpoint: "audit")]);

        IReadOnlyList<WebhookDelivery> notYet = await Outbox.ClaimDueAsync(Eu, T0.AddSeconds(5), T0.AddMinutes(1), 10);
        IReadOnlyList<WebhookDelivery> claimed = await Outbox.ClaimDueAsync(Eu, T0.AddMinutes(1), T0.AddMinutes(2), 10);
        IReadOnlyList<WebhookDelivery> underLease = await Outbox.ClaimDueAsync(Eu, T0.AddMinutes(1.5), T0.AddMinutes(3), 10);
        IReadOnlyList<WebhookDelivery> afterLease = await Outbox.ClaimDueAsync(Eu, T0.AddMinutes(2), T0.AddMinutes(3), 1);

        Assert.Empty(notYet);
        Assert.Equal(["d-early", "d-late"], claimed.Select(d => d.DeliveryId));
        Assert.All(claimed, d => Assert.Equal(1, d.Attempts));
        Assert.Empty(underLease);
        Assert.Equal(("d-early", 2), (Assert.Single(afterLease).DeliveryId, afterLease[0].Attempts));
        Assert.Equal([new WebhookEndpointKey("eu", "audit"), Eu], (await Outbox.ListDueEndpointsAsync(T0.AddMinutes(3))).OrderBy(k => k.Endpoint));
    }

    [Fact]
    public async Task ClaimDueAsync_ConcurrentClaimersOnTwoHandles_NoRowClaimedTwice()
    {
        IWebhookOutbox other = (await OpenAsync()).WebhookOutbox;
        await Outbox.EnqueueAsync([.. Enumerable.Range(0, 40).Select(i => Delivery($"c{i}"))]);

        IReadOnlyList<WebhookDelivery>[] claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? Outbox : other).ClaimDueAsync(Eu, T0.AddMinutes(1), T0.AddMinutes(2), 3)));

        string[] ids = [.. claims.SelectMany(c => c).Select(d => d.DeliveryId)];
        Assert.Equal(40, ids.Length);
        Assert.Equal(40, ids.Distinct().Count());
    }

    [Fact]
    public async Task RecordAttemptAsync_Outcomes_StateNextAttemptAndLogStored()
    {
        await Outbox.EnqueueAsync([Delivery("r")]);
        WebhookDelivery first = Assert.Single(await Outbox.ClaimDueAsync(Eu, T0, T0.AddMinutes(1), 1));

        bool recorded = await Outbox.RecordAttemptAsync(Result(first, WebhookDeliveryState.Pending, 503, T0.AddSeconds(30), "HTTP 503"), T0);
        IReadOnlyList<WebhookDelivery> beforeRetry = await Outbox.ClaimDueAsync(Eu, T0.AddSeconds(29), T0.AddMinutes(1), 1);
        WebhookDelivery second = Assert.Single(await Outbox.ClaimDueAsync(Eu, T0.AddSeconds(30), T0.AddMinutes(1), 1));
        await Outbox.RecordAttemptAsync(Result(second, WebhookDeliveryState.Delivered, 200, T0.AddSeconds(30)), T0.AddSeconds(31));

        Assert.True(recorded);
        Assert.Empty(beforeRetry);
        WebhookDeliveryDetails stored = (await Outbox.GetAsync("d-r"))!;
        Assert.Equal((WebhookDeliveryState.Delivered, 2, 200, (string?)null), (stored.Delivery.State, stored.Delivery.Attempts, stored.Delivery.LastStatusCode, stored.Delivery.LastError));
        Assert.Equal([(1, 503, "HTTP 503"), (2, 200, null)], stored.Attempts.Select(a => (a.Attempt, a.StatusCode ?? 0, a.Error)));
        Assert.Equal(12, stored.Attempts[0].DurationMs);
        Assert.Equal(0, await Outbox.CountPendingAsync());
    }

    [Fact]
    public async Task RecordAttemptAsync_AfterAnotherClaim_OnlyLogsTheStaleAttempt()
    {
        await Outbox.EnqueueAsync([Delivery("s")]);
        WebhookDelivery stale = Assert.Single(await Outbox.ClaimDueAsync(Eu, T0, T0.AddMinutes(1), 1));
        WebhookDelivery current = Assert.Single(await Outbox.ClaimDueAsync(Eu, T0.AddMinutes(1), T0.AddMinutes(2), 1));

        bool staleRecorded = await Outbox.RecordAttemptAsync(Result(stale, WebhookDeliveryState.Failed, 400, T0), T0.AddMinutes(1));

        Assert.False(staleRecorded);
        WebhookDeliveryDetails stored = (await Outbox.GetAsync("d-s"))!;
        Assert.Equal((WebhookDeliveryState.Pending, 2), (stored.Delivery.State, stored.Delivery.Attempts));
        Assert.Equal([1], stored.Attempts.Select(a => a.Attempt));
        Assert.True(await Outbox.RecordAttemptAsync(Result(current, WebhookDeliveryState.Delivered, 200, T0), T0.AddMinutes(1)));
    }

    [Fact]
    public async Task ExpireAsync_PastMaxAge_ExpiresUnclaimedPendingOnly()
    {
        await Outbox.EnqueueAsync([Delivery("free"), Delivery("claimed"), Delivery("done")]);
        WebhookDelivery[] claimed = [.. await Outbox.ClaimDueAsync(Eu, T0, T0.AddHours(2), 3)];
        await Outbox.RecordAttemptAsync(Result(claimed.Single(d => d.DeliveryId == "d-free"), WebhookDeliveryState.Pending, 500, T0.AddMinutes(1)), T0);
        await Outbox.RecordAttemptAsync(Result(claimed.Single(d => d.DeliveryId == "d-done"), WebhookDeliveryState.Delivered, 200, T0), T0);

        IReadOnlyList<WebhookDelivery> early = await Outbox.ExpireAsync(T0.AddMinutes(59));
        IReadOnlyList<WebhookDelivery> expired = await Outbox.ExpireAsync(T0.AddHours(1));
        IReadOnlyList<WebhookDelivery> afterLease = await Outbox.ExpireAsync(T0.AddHours(2));

        Assert.Empty(early);
        Assert.Equal(("d-free", WebhookDeliveryState.Expired), (Assert.Single(expired).DeliveryId, expired[0].State));
        Assert.Equal("d-claimed", Assert.Single(afterLease).DeliveryId);
        Assert.Empty(await Outbox.ClaimDueAsync(Eu, T0.AddHours(3), T0.AddHours(4), 10));
        Assert.Equal(WebhookDeliveryState.Delivered, (await Outbox.GetAsync("d-done"))!.Delivery.State);
    }

    [Fact]
    public async Task ListAsync_Filters_NewestFirstWithAttempts()
    {
        await Outbox.EnqueueAsync([
            Delivery("1", createdSecond: 1), Delivery("2", repository: "team/api", createdSecond: 2),
            Delivery("3", region: "us", createdSecond: 3), Delivery("4", endpoint: "audit", createdSecond: 4)]);
        WebhookDelivery claimed = Assert.Single(await Outbox.ClaimDueAsync(Eu, T0.AddMinutes(1), T0.AddMinutes(2), 1));
        await Outbox.RecordAttemptAsync(Result(claimed, WebhookDeliveryState.Failed, 400, T0), T0);

        Assert.Equal(["d-4", "d-3", "d-2", "d-1"], (await Outbox.ListAsync(new WebhookDeliveryQuery())).Select(d => d.Delivery.DeliveryId));
        Assert.Equal(["d-4", "d-2", "d-1"], (await Outbox.ListAsync(new WebhookDeliveryQuery(Region: "eu"))).Select(d => d.Delivery.DeliveryId));
        Assert.Equal(["d-2"], (await Outbox.ListAsync(new WebhookDeliveryQuery(Repository: "team/api"))).Select(d => d.Delivery.DeliveryId));
        Assert.Equal(["d-4"], (await Outbox.ListAsync(new WebhookDeliveryQuery(Endpoint: "audit"))).Select(d => d.Delivery.DeliveryId));
        WebhookDeliveryDetails failed = Assert.Single(await Outbox.ListAsync(new WebhookDeliveryQuery(State: WebhookDeliveryState.Failed)));
        Assert.Equal(("d-1", 400), (failed.Delivery.DeliveryId, Assert.Single(failed.Attempts).StatusCode));
        Assert.Equal(2, (await Outbox.ListAsync(new WebhookDeliveryQuery(Limit: 2))).Count);
        Assert.Equal(2, await Outbox.CountPendingAsync("eu"));
        Assert.Equal(3, await Outbox.CountPendingAsync());
    }

    [Fact]
    public async Task RedeliverAsync_FailedDelivery_PendingAndDueAgainWithItsHistory()
    {
        await Outbox.EnqueueAsync([Delivery("x")]);
        WebhookDelivery claimed = Assert.Single(await Outbox.ClaimDueAsync(Eu, T0, T0.AddMinutes(1), 1));
        await Outbox.RecordAttemptAsync(Result(claimed, WebhookDeliveryState.Failed, 410, T0, "HTTP 410"), T0);

        WebhookDelivery? requeued = await Outbox.RedeliverAsync("d-x", T0.AddDays(2), T0.AddDays(3));

        Assert.NotNull(requeued);
        Assert.Equal((WebhookDeliveryState.Pending, 1, "msg_x", T0.AddDays(3)), (requeued.State, requeued.Attempts, requeued.WebhookId, requeued.ExpiresAt));
        WebhookDelivery again = Assert.Single(await Outbox.ClaimDueAsync(Eu, T0.AddDays(2), T0.AddDays(2).AddMinutes(1), 1));
        Assert.Equal(2, again.Attempts);
        Assert.Single((await Outbox.GetAsync("d-x"))!.Attempts);
        Assert.Null(await Outbox.RedeliverAsync("d-unknown", T0, T0));
    }
}

/// <summary>The outbox contract on SQLite.</summary>
public sealed class SqliteWebhookOutboxTests : WebhookOutboxContractTests, IDisposable
{
    private readonly TestDirectory _directory = new("outbox");

    protected override PersistenceOptions Options => new() { ConnectionString = $"Data Source={_directory.Combine("geosync.db")}" };

    public void Dispose() => _directory.Dispose();
}

/// <summary>The outbox contract on a real PostgreSQL server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWebhookOutboxTests(PostgresServer server) : WebhookOutboxContractTests
{
    private string? _connectionString;

    protected override PersistenceOptions Options => new()
    {
        Provider = PersistenceOptions.Postgres,
        ConnectionString = _connectionString ?? throw new InvalidOperationException("database not created yet"),
    };

    protected override async Task CreateDatabaseAsync() => _connectionString = await server.CreateDatabaseAsync("outbox");
}
