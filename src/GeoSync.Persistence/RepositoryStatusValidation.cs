namespace GeoSync.Persistence;

/// <summary>Rejects status rows with missing fields before they reach a transaction shared with other callers.</summary>
internal static class RepositoryStatusValidation
{
    public static void ThrowIfInvalid(RepositoryStatusRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (string.IsNullOrEmpty(row.Repository) || row.Document is null)
        {
            throw new ArgumentException("Repository and Document are required", nameof(row));
        }
    }
}
