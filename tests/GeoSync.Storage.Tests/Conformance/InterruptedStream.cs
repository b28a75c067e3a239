namespace GeoSync.Storage.Tests.Conformance;

/// <summary>
/// A read-only stream that delivers the first <c>failAfter</c> bytes of <c>inner</c>, then runs <c>onInterrupt</c>
/// (which throws, as a broken source would, or cancels the caller's token) before reading on.
/// </summary>
public sealed class InterruptedStream(Stream inner, long failAfter, Action onInterrupt) : Stream
{
    private long _delivered;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => _delivered;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_delivered >= failAfter)
        {
            onInterrupt();
            cancellationToken.ThrowIfCancellationRequested();
        }

        // Stop exactly at the interruption point, so it happens after failAfter bytes whatever the caller's buffer size.
        long left = failAfter - _delivered;
        int allowed = left > 0 ? (int)Math.Min(buffer.Length, left) : buffer.Length;
        int read = await inner.ReadAsync(buffer[..allowed], cancellationToken).ConfigureAwait(false);
        _delivered += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
