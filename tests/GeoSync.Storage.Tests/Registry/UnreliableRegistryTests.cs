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
/// How the registry store behaves when a registry throttles (429), is briefly unavailable (503), drops a download
/// midway, or is gone. A stock registry does none of the first three on demand, so a loopback HTTP server plays one:
/// it answers with the scripted statuses and <c>Retry-After</c>, then as a registry holding the blob.
/// </summary>
public sealed class UnreliableRegistryTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(HttpStatusCode Status, int? RetryAfterSeconds)> _script = new();
    private readonly ConcurrentQueue<long> _requests = new();
    private readonly ConcurrentQueue<string?> _ranges = new();
    private readonly byte[] _blob = TestImage.Layer("dropped download", 256 * 1024);
    private WebApplication _app = null!;
    private Uri _endpoint = null!;

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapMethods("/v2/{**path}", ["HEAD"], Answer);
        _app.MapGet("/v2/{**path}", ServeBlobDroppingTheFirstDownloadAsync);
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

    [Fact]
    public async Task OpenBlob_ConnectionDroppedMidway_ResumesWithARangedGetAndVerifies()
    {
        using RegistryRegionStore store = NewStore();

        await using Stream read = await store.OpenBlobAsync(RepositoryName.Parse("team/app"), Digest.Compute(_blob));
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);

        Assert.Equal(_blob, copy.ToArray());
        // The second download starts where the first broke off: what arrived of the first half (a dropped connection
        // may lose what was in flight).
        string?[] ranges = [.. _ranges];
        Assert.Equal(2, ranges.Length);
        Assert.Null(ranges[0]);
        Assert.InRange(ranges[1] is { } range ? long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture) : 0, 0, _blob.Length / 2);
    }

    private RegistryRegionStore NewStore() => new(new RegistryRegionStoreOptions
    {
        Region = "eu",
        Endpoint = _endpoint,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryAfter = TimeSpan.FromSeconds(5),
    });

    /// <summary>The first download stops after half the blob and the connection drops; the next gets the range it asks for.</summary>
    private async Task ServeBlobDroppingTheFirstDownloadAsync(HttpContext context)
    {
        string? range = context.Request.Headers.Range.FirstOrDefault();
        bool first = _ranges.IsEmpty;
        _ranges.Enqueue(range);
        int half = _blob.Length / 2;
        if (first)
        {
            context.Response.ContentLength = _blob.Length;
            await context.Response.Body.WriteAsync(_blob.AsMemory(0, half));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }

        if (range is null)
        {
            context.Response.ContentLength = _blob.Length;
            await context.Response.Body.WriteAsync(_blob);
            return;
        }

        int from = int.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        context.Response.StatusCode = StatusCodes.Status206PartialContent;
        context.Response.Headers.ContentRange = $"bytes {from}-{_blob.Length - 1}/{_blob.Length}";
        context.Response.ContentLength = _blob.Length - from;
        await context.Response.Body.WriteAsync(_blob.AsMemory(from));
    }

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
