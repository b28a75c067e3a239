namespace GeoSync.Storage.Tests.Azure.Support;

/// <summary>Deterministic pseudo-random bytes for small blobs (large ones stream from <see cref="GeoSync.Testing.GeneratedContentStream"/>).</summary>
public static class GeneratedContent
{
    /// <summary><paramref name="length"/> bytes determined by <paramref name="seed"/>.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
