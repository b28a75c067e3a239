namespace GeoSync.Testing;

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
public sealed class TestDirectory : IDisposable
{
    public TestDirectory(string? prefix = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "geosync-tests", $"{prefix ?? "t"}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process we started may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
