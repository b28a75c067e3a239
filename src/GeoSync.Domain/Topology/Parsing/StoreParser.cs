using System.Text.Json;

namespace GeoSync.Domain.Topology.Parsing;

/// <summary>Reads a region's <c>store</c>; its <c>kind</c> decides which fields are allowed.</summary>
internal static class StoreParser
{
    private static readonly string ExpectedKinds =
        $"'{FileSystemStoreSettings.KindName}', '{AzureStoreSettings.KindName}' or '{RegistryStoreSettings.KindName}'";

    public static StoreSettings? Parse(TopologyReader reader, JsonElement element, string path, string dataDirectory, RegistryEndpoints registryEndpoints)
    {
        if (!reader.IsObject(element, path))
        {
            return null;
        }

        string kindPath = TopologyReader.Child(path, "kind");
        if (!element.TryGetProperty("kind", out JsonElement kindElement))
        {
            reader.Error(kindPath, $"required field is missing; expected {ExpectedKinds}");
            return null;
        }

        string? kind = reader.String(kindElement, kindPath);
        switch (kind)
        {
            case null:
                return null;
            case FileSystemStoreSettings.KindName:
                return FileSystem(reader.Object(element, path, TopologyShapes.FileSystemStore), dataDirectory);
            case AzureStoreSettings.KindName:
                return Azure(reader, reader.Object(element, path, TopologyShapes.AzureStore));
            case RegistryStoreSettings.KindName:
                return RegistryStoreParser.Parse(reader.Object(element, path, TopologyShapes.RegistryStore), registryEndpoints);
            default:
                reader.Error(kindPath, $"unknown store kind '{kind}'; expected {ExpectedKinds}");
                return null;
        }
    }

    private static FileSystemStoreSettings? FileSystem(ObjectFields? store, string dataDirectory)
    {
        string? path = store?.String("path", required: true);
        if (path is null)
        {
            return null;
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            store!.Reader.Error(store.PathOf("path"), "path contains a NUL character");
            return null;
        }

        // Path.Combine keeps an absolute path as written and puts a relative one under the data directory.
        return new FileSystemStoreSettings(Path.Combine(dataDirectory, path));
    }

    private static AzureStoreSettings? Azure(TopologyReader reader, ObjectFields? store)
    {
        if (store is null)
        {
            return null;
        }

        SecretReference? connectionString = store.Secret("connectionString", required: true);
        string? container = store.String("container", required: true);
        if (container is not null && TopologyGrammar.CheckContainerName(container) is { } error)
        {
            reader.Error(store.PathOf("container"), error);
            return null;
        }

        return connectionString is null || container is null ? null : new AzureStoreSettings(connectionString.Value, container);
    }
}
