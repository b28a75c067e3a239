using System.Security.Cryptography;

namespace GeoSync.Domain.Content;

/// <summary>
/// Incremental SHA-256 over bytes as they stream past, so a blob is verified without being held in memory.
/// </summary>
public sealed class DigestHasher : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Bytes appended so far.</summary>
    public long BytesHashed { get; private set; }

    /// <summary>Adds bytes to the hash.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        BytesHashed += data.Length;
    }

    /// <summary>The digest of everything appended; the hasher can then be reused from empty.</summary>
    public Digest Finish()
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        _hash.GetHashAndReset(hash);
        BytesHashed = 0;
        return Digest.FromHash(hash);
    }

    /// <inheritdoc />
    public void Dispose() => _hash.Dispose();
}
