using GeoSync.Storage.Registry;
using GeoSync.Testing;
using GeoSync.Testing.Registry;

namespace GeoSync.Storage.Tests.Registry;

/// <summary>
/// A real CNCF distribution registry with its access log kept (so tests see each request it served), and registry
/// stores over it with small chunks and pages, so that chunked uploads and paged listings happen on small content.
/// Tests use fresh repository names.
/// </summary>
public abstract class RegistryStoreFixture : IAsyncLifetime
{
    /// <summary>The chunk size of the test stores: a blob above it goes up in PATCH requests.</summary>
    public const int ChunkSize = 1024 * 1024;

    private readonly TestDirectory _directory = new("registry-store");

    public RegistryServer Registry { get; private set; } = null!;

    /// <summary>The account the registry requires, or null when it is anonymous.</summary>
    public abstract RegistryUser? User { get; }

    public async Task InitializeAsync() =>
        Registry = await RegistryServer.StartAsync(_directory.Combine("store"), options: await ServerOptionsAsync(_directory.Combine("auth")));

    /// <summary>How the registry is set up: the fixture's account as htpasswd basic auth, when it has one.</summary>
    protected virtual Task<RegistryServerOptions> ServerOptionsAsync(string directory) =>
        Task.FromResult(new RegistryServerOptions { User = User, AccessLog = true });

    /// <summary>A store over the registry, signed in as <paramref name="user"/> (the fixture's account by default).</summary>
    public RegistryRegionStore NewStore(RegistryUser? user = null, string region = "eu") => new(new RegistryRegionStoreOptions
    {
        Region = region,
        Endpoint = Registry.BaseUri,
        Username = (user ?? User)?.Username,
        Password = (user ?? User)?.Password,
        ChunkSize = ChunkSize,
        PageSize = 2,
        RetryDelay = TimeSpan.FromMilliseconds(50),
    });

    /// <summary>A repository name no other test uses.</summary>
    public static string NewRepository(string prefix = "team/app") => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>The registry's access-log lines that mention <paramref name="text"/>.</summary>
    public IReadOnlyList<string> LogLines(string text) =>
        [.. Registry.Output.Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal))];

    public virtual async Task DisposeAsync()
    {
        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        _directory.Dispose();
    }
}

/// <summary>A registry anyone may push to and pull from.</summary>
public sealed class AnonymousRegistryFixture : RegistryStoreFixture
{
    public override RegistryUser? User => null;
}

/// <summary>A registry with htpasswd basic auth: one account, its password made up for the run.</summary>
public sealed class BasicAuthRegistryFixture : RegistryStoreFixture
{
    public override RegistryUser? User { get; } = new("geosync", $"pw-{Guid.NewGuid():N}");
}

/// <summary>A registry with token auth: its token server issues signed tokens to one account, for the scopes asked.</summary>
public sealed class TokenAuthRegistryFixture : RegistryStoreFixture
{
    public override RegistryUser? User { get; } = new("geosync", $"pw-{Guid.NewGuid():N}");

    public RegistryTokenServer TokenServer { get; private set; } = null!;

    protected override async Task<RegistryServerOptions> ServerOptionsAsync(string directory)
    {
        TokenServer = await RegistryTokenServer.StartAsync(User!, directory);
        return new RegistryServerOptions { TokenServer = TokenServer, AccessLog = true };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (TokenServer is not null)
        {
            await TokenServer.DisposeAsync();
        }
    }
}
