namespace GeoSync.Domain.Topology;

/// <summary>Where a region's blobs live. Both kinds use the CNCF distribution storage layout under their root.</summary>
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
