using System.Text;
using GeoSync.Domain.Content;

namespace GeoSync.Domain.Tests.Content;

public sealed class DigestTests
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static TheoryData<string?, string> Invalid => new()
    {
        { null, "digest is empty" },
        { "", "digest is empty" },
        { EmptySha256, "is not of the form 'algorithm:hex'" },
        { ":" + EmptySha256, "is not of the form 'algorithm:hex'" },
        { "sha512:" + EmptySha256 + EmptySha256, "algorithm 'sha512' is not supported; only sha256 is" },
        { "sha384:" + EmptySha256[..48] + EmptySha256[..48], "algorithm 'sha384' is not supported" },
        { "md5:d41d8cd98f00b204e9800998ecf8427e", "algorithm 'md5' is not supported" },
        { "SHA256:" + EmptySha256, "algorithm 'SHA256' is not supported" },
        { "sha256:" + EmptySha256.ToUpperInvariant(), "contains 'E'; only lowercase hex is allowed" },
        { "sha256:" + EmptySha256[..63], "must have 64 hex characters, found 63" },
        { "sha256:" + EmptySha256 + "0", "must have 64 hex characters, found 65" },
        { "sha256:", "must have 64 hex characters, found 0" },
        { "sha256:" + EmptySha256[..63] + "g", "contains 'g'" },
        { "sha256:" + EmptySha256[..63] + " ", "contains ' '" },
        { "sha256:" + EmptySha256[..32] + ":" + EmptySha256[..31], "contains ':'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_InvalidDigest_ThrowsWithReason(string? value, string reason)
    {
        FormatException error = Assert.Throws<FormatException>(() => Digest.Parse(value!));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(Digest.TryParse(value, out _));
    }

    [Fact]
    public void Parse_ValidDigest_RoundTripsAndShortens()
    {
        Digest digest = Digest.Parse("sha256:" + EmptySha256);

        Assert.Equal("sha256:" + EmptySha256, digest.ToString());
        Assert.Equal(EmptySha256, digest.Hex);
        Assert.Equal("sha256", digest.Algorithm);
        Assert.Equal("sha256:e3b0c44298fc", digest.Short);
    }

    [Fact]
    public async Task Compute_KnownContent_MatchesSha256TestVectors()
    {
        Assert.Equal("sha256:" + EmptySha256, Digest.Compute([]).ToString());
        Assert.Equal("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Digest.Compute("abc"u8).ToString());
        Assert.Equal(Descriptor.EmptyJson.Digest, Digest.Compute("{}"u8));
        Assert.Equal(Digest.Compute("abc"u8), await Digest.ComputeAsync(new MemoryStream("abc"u8.ToArray())));
    }

    [Fact]
    public void DigestHasher_ChunkedInput_EqualsOneShotAndResets()
    {
        byte[] content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("layer bytes ", 10_000)));
        using var hasher = new DigestHasher();

        for (int offset = 0; offset < content.Length; offset += 4093)
        {
            hasher.Append(content.AsSpan(offset, Math.Min(4093, content.Length - offset)));
        }

        Assert.Equal(content.Length, hasher.BytesHashed);
        Assert.Equal(Digest.Compute(content), hasher.Finish());
        Assert.Equal(0, hasher.BytesHashed);
        Assert.Equal(Digest.Compute([]), hasher.Finish());
    }

    [Fact]
    public void CompareTo_OrdersByHex()
    {
        Digest a = Digest.Parse("sha256:" + new string('0', 64));
        Digest b = Digest.Parse("sha256:" + new string('f', 64));

        Assert.True(a.CompareTo(b) < 0);
        Assert.Equal(0, a.CompareTo(Digest.Parse(a.ToString())));
    }
}
