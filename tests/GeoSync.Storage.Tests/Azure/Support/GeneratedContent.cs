using GeoSync.Domain.Content;

namespace GeoSync.Storage.Tests.Azure.Support;

/// <summary>Deterministic pseudo-random blob content, as arrays for small blobs and as generated streams for large ones.</summary>
public static class GeneratedContent
{
    /// <summary><paramref name="length"/> bytes determined by <paramref name="seed"/>.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A stream of <paramref name="length"/> bytes generated on the fly (nothing held in memory).</summary>
    public static Stream Stream(long length, int seed) => new GeneratedStream(length, seed);

    /// <summary>The digest of <see cref="Stream"/>'s bytes.</summary>
    public static Task<Digest> DigestAsync(long length, int seed) => Digest.ComputeAsync(Stream(length, seed));

    private sealed class GeneratedStream(long length, int seed) : System.IO.Stream
    {
        private readonly Random _random = new(seed);
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = (int)Math.Min(buffer.Length, length - _position);
            _random.NextBytes(buffer[..count]);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
