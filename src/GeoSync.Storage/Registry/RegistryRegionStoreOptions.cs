namespace GeoSync.Storage.Registry;

/// <summary>Settings of a <see cref="RegistryRegionStore"/>: where the registry is, who GeoSync is there, and how it uploads.</summary>
public sealed class RegistryRegionStoreOptions
{
    /// <summary>The region the store belongs to.</summary>
    public string Region { get; set; } = string.Empty;

    /// <summary>The registry's base URL; the API lives under <c>/v2/</c>.</summary>
    public Uri Endpoint { get; set; } = null!;

    /// <summary>The account name, or null for anonymous access.</summary>
    public string? Username { get; set; }

    /// <summary>The resolved password or access token. Never logged, never in a message.</summary>
    public string? Password { get; set; }

    /// <summary>Skips certificate verification (plain http needs no setting here: the endpoint's scheme decides).</summary>
    public bool Insecure { get; set; }

    /// <summary>Full path of a PEM bundle of certificate authorities to trust instead of the system's.</summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// Upload chunk size: a blob that fits in one chunk goes up in a single PUT, a larger one in PATCH requests of
    /// this size (each buffered, so a throttled chunk can be sent again).
    /// </summary>
    public int ChunkSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Names asked for per page when listing repositories and tags (the registry may send fewer, and links the next page).</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Retries of a request the registry throttled (429) or could not serve (503, and 502/504 for reads).</summary>
    public int Retries { get; set; } = 4;

    /// <summary>The first retry's delay when the registry names none; doubled with jitter for each next one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest <c>Retry-After</c> waited for; a longer one fails the request as unavailable instead.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one request may wait for the registry's answer headers.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
