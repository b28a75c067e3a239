using System.Buffers.Binary;
using GeoSync.Domain.Content;

namespace GeoSync.Testing;

/// <summary>
/// Deterministic pseudo-random content of any length, generated as it is read: a 1 GiB blob costs no memory. Byte
/// <c>i</c> depends only on the seed and <c>i</c> (SplitMix64 of the 8-byte word index), so the same content comes out
/// whatever the read sizes, and it does not compress or deduplicate. Read-only and seekable.
/// </summary>
public sealed class GeneratedContentStream(long length, ulong seed) : Stream
{
    private long _position;

    /// <summary>The digest of the content for <paramref name="length"/> and <paramref name="seed"/>, computed by streaming it.</summary>
    public static Digest DigestOf(long length, ulong seed)
    {
        using var stream = new GeneratedContentStream(length, seed);
        using var hasher = new DigestHasher();
        byte[] buffer = new byte[1024 * 1024];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            hasher.Append(buffer.AsSpan(0, read));
        }

        return hasher.Finish();
    }

    /// <summary>Writes the content to a file (e.g. a benchmark's source).</summary>
    public static void WriteFile(string path, long length, ulong seed)
    {
        using var stream = new GeneratedContentStream(length, seed);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        stream.CopyTo(file, 4 * 1024 * 1024);
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = Math.Clamp(value, 0, length);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int count = (int)Math.Min(buffer.Length, length - _position);
        Span<byte> bytes = stackalloc byte[8];
        for (int i = 0; i < count;)
        {
            long at = _position + i;
            long word = at >> 3;
            int skip = (int)(at & 7);
            if (skip == 0 && count - i >= 8)
            {
                // Fast path: whole aligned words straight into the caller's buffer.
                int words = (count - i) >> 3;
                Span<byte> target = buffer.Slice(i, words * 8);
                for (int w = 0; w < words; w++)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(target.Slice(w * 8, 8), Mix(seed, word + w));
                }

                i += words * 8;
                continue;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(bytes, Mix(seed, word));
            int take = Math.Min(8 - skip, count - i);
            bytes.Slice(skip, take).CopyTo(buffer.Slice(i, take));
            i += take;
        }

        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static ulong Mix(ulong seed, long word)
    {
        ulong z = seed + (0x9E3779B97F4A7C15UL * (ulong)(word + 1));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
