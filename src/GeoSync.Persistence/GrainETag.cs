namespace GeoSync.Persistence;

/// <summary>
/// ETags for grain state: a fresh random value per write (not a counter), so a state that is cleared and written
/// again can never present an ETag a stale activation still holds.
/// </summary>
internal static class GrainETag
{
    public static string New() => Guid.NewGuid().ToString("N");
}
