using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace GeoSync.Domain.Content;

/// <summary>
/// A content address: <c>sha256:&lt;64 lowercase hex&gt;</c>. GeoSync supports SHA-256 only, the algorithm every
/// registry must support (OCI image spec, "Digests"); any other algorithm is rejected with a clear error rather
/// than replicated unverified.
/// </summary>
public readonly record struct Digest : IComparable<Digest>
{
    /// <summary>The only algorithm GeoSync verifies.</summary>
    public const string Sha256 = "sha256";

    private const int HexLength = 64;

    private Digest(string hex) => Hex = hex;

    /// <summary>The algorithm, always <c>sha256</c>.</summary>
    public string Algorithm => Sha256;

    /// <summary>The 64 lowercase hex characters of the hash.</summary>
    public string Hex { get; }

    /// <summary>A short form for logs: the algorithm and the first 12 hex characters.</summary>
    public string Short => $"{Sha256}:{Hex[..12]}";

    /// <summary>Parses <c>sha256:&lt;hex&gt;</c>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static Digest Parse(string value)
    {
        if (!TryParse(value, out Digest digest, out string? error))
        {
            throw new FormatException(error);
        }

        return digest;
    }

    /// <summary>Parses <c>sha256:&lt;hex&gt;</c> without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest) => TryParse(value, out digest, out _);

    /// <summary>Parses <c>sha256:&lt;hex&gt;</c>, with the reason when it fails.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest, [NotNullWhen(false)] out string? error)
    {
        digest = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "digest is empty";
            return false;
        }

        int colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = $"digest '{Truncate(value)}' is not of the form 'algorithm:hex'";
            return false;
        }

        string algorithm = value[..colon];
        if (algorithm != Sha256)
        {
            error = $"digest algorithm '{Truncate(algorithm)}' is not supported; only sha256 is";
            return false;
        }

        string hex = value[(colon + 1)..];
        if (hex.Length != HexLength)
        {
            error = $"sha256 digest must have {HexLength} hex characters, found {hex.Length}";
            return false;
        }

        foreach (char c in hex)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                error = $"sha256 digest contains '{c}'; only lowercase hex is allowed";
                return false;
            }
        }

        digest = new Digest(hex);
        error = null;
        return true;
    }

    /// <summary>The digest of <paramref name="content"/>.</summary>
    public static Digest Compute(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, hash);
        return FromHash(hash);
    }

    /// <summary>The digest of a stream, read to its end.</summary>
    public static async Task<Digest> ComputeAsync(Stream content, CancellationToken cancellationToken = default)
    {
        byte[] hash = await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false);
        return FromHash(hash);
    }

    /// <summary>Wraps a raw 32-byte SHA-256 hash.</summary>
    public static Digest FromHash(ReadOnlySpan<byte> sha256Hash)
    {
        if (sha256Hash.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"a sha256 hash has {SHA256.HashSizeInBytes} bytes, not {sha256Hash.Length}", nameof(sha256Hash));
        }

        return new Digest(Convert.ToHexStringLower(sha256Hash));
    }

    /// <inheritdoc />
    public int CompareTo(Digest other) => string.CompareOrdinal(Hex, other.Hex);

    /// <summary>The canonical form, <c>sha256:&lt;hex&gt;</c>.</summary>
    public override string ToString() => Hex is null ? string.Empty : $"{Sha256}:{Hex}";

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
