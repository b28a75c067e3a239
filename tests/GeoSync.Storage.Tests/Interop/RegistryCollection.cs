namespace GeoSync.Storage.Tests.Interop;

/// <summary>The interop test classes share one pair of registries and one set of built images.</summary>
[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryPairFixture>
{
    public const string Name = "registries";
}
