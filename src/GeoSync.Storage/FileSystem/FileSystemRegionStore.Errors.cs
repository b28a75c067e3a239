namespace GeoSync.Storage.FileSystem;

public sealed partial class FileSystemRegionStore
{
    // File-system errors become RegionStoreException naming the region and operation: a missing path is NotFound,
    // a refused one Denied, and any other I/O error (disk full, device error) Unavailable, since it may clear.
    private T Guard<T>(string operation, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (Translate(operation, e) is RegionStoreException translated)
        {
            throw translated;
        }
    }

    private void Guard(string operation, Action action) => Guard(operation, () =>
    {
        action();
        return true;
    });

    private RegionStoreException? Translate(string operation, Exception e) => e switch
    {
        RegionStoreException or OperationCanceledException => null,
        FileNotFoundException or DirectoryNotFoundException =>
            new RegionStoreException(Region, operation, RegionStoreFailure.NotFound, $"{e.Message} (root {RootPath})", e),
        UnauthorizedAccessException =>
            new RegionStoreException(Region, operation, RegionStoreFailure.Denied, $"{e.Message} (root {RootPath})", e),
        IOException =>
            new RegionStoreException(Region, operation, RegionStoreFailure.Unavailable, $"{e.Message} (root {RootPath})", e),
        _ => null,
    };
}
