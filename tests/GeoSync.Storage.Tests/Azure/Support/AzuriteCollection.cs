using GeoSync.Testing.Azurite;

namespace GeoSync.Storage.Tests.Azure.Support;

/// <summary>One Azurite (accounts <c>eu</c> and <c>us</c>) shared by the Azure driver's tests; each test uses its own containers.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite";
}
