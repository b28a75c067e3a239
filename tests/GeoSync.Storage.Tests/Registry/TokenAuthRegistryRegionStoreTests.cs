using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.Registry;
using GeoSync.Testing.Registry;
using Microsoft.Extensions.Time.Testing;

namespace GeoSync.Storage.Tests.Registry;

/// <summary>
/// The registry store against a registry with token auth (distribution's <c>auth: token</c>, as Harbor and ACR work):
/// everything the anonymous registry passes, through bearer tokens the store fetches from the challenge's realm with
/// its credentials, cached per scope until they expire.
/// </summary>
public sealed class TokenAuthRegistryRegionStoreTests(TokenAuthRegistryFixture fixture)
    : RegistryRegionStoreTests(fixture), IClassFixture<TokenAuthRegistryFixture>
{
    private RegistryTokenServer TokenServer => fixture.TokenServer;

    [Fact]
    public async Task Writes_OneRepository_FetchOneTokenPerScopeAndReuseIt()
    {
        RepositoryName repository = NewRepository();
        using RegistryRegionStore store = Fixture.NewStore();

        for (int i = 0; i < 3; i++)
        {
            (byte[] bytes, Digest digest) = NewContent($"cached {i}");
            await store.WriteBlobAsync(repository, digest, new MemoryStream(bytes), bytes.Length);
            Assert.True(RegistryLinksLayer(repository, digest));
        }

        TokenRequest[] asked = [.. TokenServer.Requests.Where(r => r.Scopes.Any(s => s.Contains($":{repository}:", StringComparison.Ordinal)))];
        Assert.All(asked, r => Assert.True(r.SignedIn));
        Assert.All(asked, r => Assert.Equal(RegistryTokenServer.Service, r.Service));
        // Three blobs, each a HEAD, a POST, a PUT: one token for reading, one for writing, each fetched once.
        Assert.Equal(asked.Length, asked.Select(r => string.Join(' ', r.Scopes)).Distinct().Count());
        Assert.InRange(asked.Length, 1, 2);
    }

    [Fact]
    public async Task Requests_TokenExpired_FetchANewOne()
    {
        RepositoryName repository = NewRepository();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var store = new RegistryRegionStore(new RegistryRegionStoreOptions
        {
            Region = "eu",
            Endpoint = Fixture.Registry.BaseUri,
            Username = Fixture.User!.Username,
            Password = Fixture.User.Password,
        }, time);
        (_, Digest digest) = NewContent();
        int Asked() => TokenServer.Requests.Count(r => r.Scopes.Contains($"repository:{repository}:pull"));

        Assert.Null(await store.StatBlobAsync(repository, digest));
        Assert.Null(await store.StatBlobAsync(repository, digest));
        Assert.Equal(1, Asked());

        time.Advance(TokenServer.Lifetime);
        Assert.Null(await store.StatBlobAsync(repository, digest));

        Assert.Equal(2, Asked());
    }

    [Fact]
    public async Task AnyCall_WrongPassword_FailsDeniedWithoutTheSecret()
    {
        const string wrongPassword = "not-the-token-password-9b1";
        using RegistryRegionStore store = Fixture.NewStore(new RegistryUser("geosync", wrongPassword));
        (_, Digest digest) = NewContent();

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => store.StatBlobAsync(NewRepository(), digest));

        Assert.Equal(RegionStoreFailure.Denied, failure.Failure);
        Assert.Contains("401 UNAUTHORIZED", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, failure.ToString(), StringComparison.Ordinal);
        Assert.Contains(TokenServer.Requests, r => !r.SignedIn);
    }
}
