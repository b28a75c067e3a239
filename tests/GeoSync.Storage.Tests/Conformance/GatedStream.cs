namespace GeoSync.Storage.Tests.Conformance;

/// <summary>
/// Lets a number of parties meet before any goes on, so that concurrent writers really are in flight together.
/// A driver that serialises writers never lets them all arrive; the wait is bounded so such a driver still
/// completes (correctly) instead of deadlocking.
/// </summary>
public sealed class RendezvousGate(int parties)
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public async Task ArriveAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _arrived) >= parties)
        {
            _allArrived.TrySetResult();
        }

        try
        {
            await _allArrived.Task.WaitAsync(MaxWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The driver serialises writers: nothing to synchronise.
        }
    }
}

/// <summary>A read-only stream that waits at a <see cref="RendezvousGate"/> before its first read.</summary>
public sealed class GatedStream(Stream inner, RendezvousGate gate) : Stream
{
    private bool _passed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_passed)
        {
            _passed = true;
            await gate.ArriveAsync(cancellationToken).ConfigureAwait(false);
        }

        return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
