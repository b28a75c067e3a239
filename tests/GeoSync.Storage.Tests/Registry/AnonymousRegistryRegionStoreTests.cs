namespace GeoSync.Storage.Tests.Registry;

/// <summary>The registry store against a registry without auth.</summary>
public sealed class AnonymousRegistryRegionStoreTests(AnonymousRegistryFixture fixture)
    : RegistryRegionStoreTests(fixture), IClassFixture<AnonymousRegistryFixture>;
