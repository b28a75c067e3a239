using GeoSync.Storage;

namespace GeoSync.Grains.Blobs;

/// <summary>
/// A read-only stream that paces reads to a byte rate (the region's <c>limits.bandwidthBytesPerSecond</c>), so a
/// transfer into a region with a thin link does not saturate it.
/// </summary>
public sealed class ThrottledStream(Stream inner, long bytesPerSecond, TimeProvider timeProvider) : ReadOnlyStream
{
    private readonly long _started = timeProvider.GetTimestamp();
    private long _read;

    public override long Length => inner.Length;

    public override long Position => _read;

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
