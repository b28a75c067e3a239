using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using GeoSync.Testing;
using Microsoft.Extensions.Logging;

namespace GeoSync.Storage.Tests.Registry;

/// <summary>
/// How the registry store behaves when a registry throttles (429), is briefly unavailable (503) or gone. A stock
/// registry never throttles, so a loopback HTTP server plays a throttling one: it answers with the scripted statuses and
/// <c>Retry-After</c>, then as a registry holding the blob.
/// </summary>
public sealed class RegistryThrottlingTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(HttpStatusCode Status, int? RetryAfterSeconds)> _script = new();
    private readonly ConcurrentQueue<long> _requests = new();
    private WebApplication _app = null!;
    private Uri _endpoint = null!;

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapMethods("/v2/{**path}", ["HEAD"], Answer);
        await _app.StartAsync();
        _endpoint = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task StatBlob_ThrottledThenUnavailable_WaitsTheRetryAfterAndSucceeds()
    {
        _script.Enqueue((HttpStatusCode.TooManyRequests, 1));
        _script.Enqueue((HttpStatusCode.ServiceUnavailable, 0));
        using RegistryRegionStore store = NewStore();
        var clock = Stopwatch.StartNew();

        long? size = await store.StatBlobAsync(RepositoryName.Parse("team/app"), Digest.Compute([1, 2, 3]));

        Assert.Equal(42, size);
        Assert.Equal(3, _requests.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"answered after {clock.Elapsed}, before the registry's Retry-After of 1 s");
    }

    [Fact]
    public async Task StatBlob_RetryAfterLongerThanTheLimit_FailsUnavailableNamingTheWait()
    {
        _script.Enqueue((HttpStatusCode.TooManyRequests, 120));
        using RegistryRegionStore store = NewStore();

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => store.StatBlobAsync(RepositoryName.Parse("team/app"), Digest.Compute([1, 2, 3])));

        Assert.Equal(RegionStoreFailure.Unavailable, failure.Failure);
        Assert.True(failure.IsRetryable);
        Assert.Contains("429 TOOMANYREQUESTS, retry after 120 s", failure.Message, StringComparison.Ordinal);
        Assert.Single(_requests);
    }

    [Fact]
    public async Task StatBlob_RegionWideOfARegistryThatIsGone_FailsUnavailable()
    {
        using RegistryRegionStore store = new(new RegistryRegionStoreOptions
        {
            Region = "eu",
            Endpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}/"),
            Retries = 0,
        });
        Digest digest = Digest.Compute([4, 5, 6]);

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => store.StatBlobAsync(digest));

        Assert.Equal(RegionStoreFailure.Unavailable, failure.Failure);
        Assert.Contains("registry unreachable", failure.Message, StringComparison.Ordinal);
    }

    private RegistryRegionStore NewStore() => new(new RegistryRegionStoreOptions
    {
        Region = "eu",
        Endpoint = _endpoint,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryAfter = TimeSpan.FromSeconds(5),
    });

    private IResult Answer(HttpContext context)
    {
        _requests.Enqueue(Stopwatch.GetTimestamp());
        if (_script.TryDequeue(out (HttpStatusCode Status, int? RetryAfterSeconds) next))
        {
            if (next.RetryAfterSeconds is int seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Results.StatusCode((int)next.Status);
        }

        context.Response.ContentLength = 42;
        return Results.Ok();
    }
}
