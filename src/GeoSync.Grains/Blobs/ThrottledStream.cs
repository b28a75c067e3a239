namespace GeoSync.Grains.Blobs;

/// <summary>
/// A read-only stream that paces reads to a byte rate (the region's <c>limits.bandwidthBytesPerSecond</c>), so a
/// transfer into a region with a thin link does not saturate it.
/// </summary>
public sealed class ThrottledStream(Stream inner, long bytesPerSecond, TimeProvider timeProvider) : Stream
{
    private readonly long _started = timeProvider.GetTimestamp();
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Small reads keep the pace smooth: at most a tenth of a second's worth at a time.
        int chunk = (int)Math.Clamp(bytesPerSecond / 10, 4096, buffer.Length);
        int read = await inner.ReadAsync(buffer[..chunk], cancellationToken).ConfigureAwait(false);
        _read += read;
        TimeSpan due = TimeSpan.FromSeconds((double)_read / bytesPerSecond);
        TimeSpan elapsed = timeProvider.GetElapsedTime(_started);
        if (due > elapsed)
        {
            await Task.Delay(due - elapsed, timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
