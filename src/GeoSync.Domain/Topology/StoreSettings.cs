namespace GeoSync.Domain.Topology;

/// <summary>
/// Where a region's blobs live: a folder or an Azure container in the CNCF distribution storage layout, or a registry
/// reached over the OCI distribution API.
/// </summary>
public abstract record StoreSettings
{
    private protected StoreSettings()
    {
    }

    /// <summary>The <c>kind</c> as written in the topology file.</summary>
    public abstract string Kind { get; }
}

/// <summary>A local folder.</summary>
/// <param name="Path">
/// The folder, already combined with <see cref="EngineSettings.DataDirectory"/> when written relative
/// (<c>regions/eu-west</c> becomes <c>.data/regions/eu-west</c>); absolute paths are kept as written.
/// </param>
public sealed record FileSystemStoreSettings(string Path) : StoreSettings
{
    /// <summary>The kind name, <c>filesystem</c>.</summary>
    public const string KindName = "filesystem";

    /// <inheritdoc />
    public override string Kind => KindName;
}

/// <summary>An Azure Blob Storage container (an account per region; Azurite in tests).</summary>
/// <param name="ConnectionString">Reference to the storage account's connection string.</param>
/// <param name="Container">The container holding the region's registry storage.</param>
public sealed record AzureStoreSettings(SecretReference ConnectionString, string Container) : StoreSettings
{
    /// <summary>The kind name, <c>azure</c>.</summary>
    public const string KindName = "azure";

    /// <inheritdoc />
    public override string Kind => KindName;
}

/// <summary>A registry reached over the OCI distribution API (distribution, Harbor, ACR, zot...), for regions whose storage GeoSync cannot reach.</summary>
/// <param name="Endpoint">The registry's base URL: the store's own <c>endpoint</c>, else the region's VPC registry endpoint, else its public one.</param>
/// <param name="Credentials">The account GeoSync signs in with; null for anonymous access.</param>
/// <param name="Tls">How the connection is secured.</param>
public sealed record RegistryStoreSettings(Uri Endpoint, RegistryCredentials? Credentials, RegistryTls Tls) : StoreSettings
{
    /// <summary>The kind name, <c>registry</c>.</summary>
    public const string KindName = "registry";

    /// <inheritdoc />
    public override string Kind => KindName;
}

/// <summary>A registry account: the registry's challenge decides whether it is sent as basic auth or traded for a bearer token.</summary>
/// <param name="Username">The user name (not a secret).</param>
/// <param name="Password">Reference to the password or access token.</param>
public sealed record RegistryCredentials(string Username, SecretReference Password);

/// <summary>TLS settings of a registry store.</summary>
/// <param name="Insecure">Allows plain http and unverified certificates (loopback and labs only).</param>
/// <param name="CaFile">A PEM bundle of the certificate authorities to trust instead of the system's; relative to the topology file's folder.</param>
public sealed record RegistryTls(bool Insecure, string? CaFile)
{
    /// <summary>Verified https with the system's certificate authorities.</summary>
    public static RegistryTls Default { get; } = new(false, null);
}
