using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GeoSync.Domain.Content;

namespace GeoSync.Storage.Azure;

/// <summary>
/// Deterministic block IDs, so a restarted transfer recognises the blocks it staged before. All IDs have the same
/// length (the service rejects a blob whose blocks' IDs differ in length): <c>base64("gs?-&lt;index:6&gt;-&lt;32 hex&gt;")</c>.
/// </summary>
internal static class BlockIds
{
    /// <summary>The most blocks a blob may have.</summary>
    public const int MaxBlocks = 50_000;

    /// <summary>
    /// The ID of an uploaded block: derived from the blob's digest, the block's index and the block's own bytes.
    /// Hashing the bytes means a writer holding different bytes (a corrupt source racing a good one) can never
    /// overwrite a good block under its ID, and a resumed upload reuses a staged block only when it holds exactly
    /// the bytes that would be staged again.
    /// </summary>
    public static string ForUpload(Digest digest, int index, ReadOnlySpan<byte> block)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.ASCII.GetBytes($"{digest}|{index}|"));
        hash.AppendData(block);
        Span<byte> value = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetHashAndReset(value);
        return Encode("gsu", index, value);
    }

    /// <summary>
    /// The ID of a block copied server-side: the range <c>[index × blockSize, …)</c> of the content-addressed source
    /// blob, so the digest, index and block size identify its bytes.
    /// </summary>
    public static string ForCopy(Digest digest, int index, long blockSize)
    {
        Span<byte> value = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes($"{digest}|{index}|{blockSize.ToString(CultureInfo.InvariantCulture)}"), value);
        return Encode("gsc", index, value);
    }

    private static string Encode(string kind, int index, ReadOnlySpan<byte> hash)
    {
        if (index is < 0 or >= MaxBlocks)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"a blob has at most {MaxBlocks} blocks");
        }

        string id = $"{kind}-{index.ToString("D6", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(hash[..16])}";
        return Convert.ToBase64String(Encoding.ASCII.GetBytes(id));
    }
}
