using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Domain.Topology;
using GeoSync.Storage.Registry;
using GeoSync.Testing.Webhooks;
using Microsoft.Extensions.Logging;

namespace GeoSync.Storage.Tests.Registry;

/// <summary>
/// The registry store against a registry with htpasswd basic auth: everything the anonymous registry passes, signed
/// in; and credentials the registry refuses fail clearly, as denied, without the secret anywhere.
/// </summary>
public sealed class BasicAuthRegistryRegionStoreTests(BasicAuthRegistryFixture fixture)
    : RegistryRegionStoreTests(fixture), IClassFixture<BasicAuthRegistryFixture>
{
    [Fact]
    public async Task AnyCall_WrongPassword_FailsDeniedNamingTheCodeWithoutTheSecret()
    {
        const string wrongPassword = "not-the-password-0451";
        using var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var secrets = new SecretResolver(environment: name => name == "REG_PASSWORD" ? wrongPassword : null);
        var region = new Region(
            "eu",
            0,
            new RegistryStoreSettings(Fixture.Registry.BaseUri, new RegistryCredentials("geosync", SecretReference.Environment("REG_PASSWORD")), new RegistryTls(true, null)),
            RegistrySettings.None,
            [],
            new RegionLimits(1, null));
        using var store = (RegistryRegionStore)new RegionStoreFactory(Path.GetTempPath(), secrets, loggers).Open(region);
        (_, Digest digest) = NewContent();

        var read = await Assert.ThrowsAsync<RegionStoreException>(() => store.StatBlobAsync(NewRepository(), digest));
        var write = await Assert.ThrowsAsync<RegionStoreException>(() => store.WriteBlobAsync(NewRepository(), digest, new MemoryStream([1, 2, 3]), 3));
        var probe = await Assert.ThrowsAsync<RegionStoreException>(() => store.StatBlobAsync(digest));

        foreach (RegionStoreException failure in new[] { read, write, probe })
        {
            Assert.Equal(RegionStoreFailure.Denied, failure.Failure);
            Assert.False(failure.IsRetryable);
            Assert.Contains("401 UNAUTHORIZED", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(wrongPassword, failure.ToString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(logs.Lines, l => l.Contains(wrongPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnyCall_Anonymous_FailsDenied()
    {
        using RegistryRegionStore store = new(new RegistryRegionStoreOptions { Region = "eu", Endpoint = Fixture.Registry.BaseUri });
        (_, Digest digest) = NewContent();

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => store.StatBlobAsync(NewRepository(), digest));

        Assert.Equal(RegionStoreFailure.Denied, failure.Failure);
    }

    [Fact]
    public async Task FirstRequest_AnsweredWithAChallenge_IsSentAgainSignedIn()
    {
        RepositoryName repository = NewRepository();
        (byte[] bytes, Digest digest) = NewContent();

        await Store.WriteBlobAsync(repository, digest, new MemoryStream(bytes), bytes.Length);

        Assert.True(RegistryLinksLayer(repository, digest));
        Assert.Contains(Fixture.LogLines($"/v2/{repository}/blobs/{digest}"), l => l.Contains("\" 401 ", StringComparison.Ordinal));
    }
}
