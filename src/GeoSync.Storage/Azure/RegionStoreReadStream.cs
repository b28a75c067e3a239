namespace GeoSync.Storage.Azure;

/// <summary>
/// A read-only pass-through over a download stream that turns what the SDK throws mid-read into a
/// <see cref="RegionStoreException"/>, so a reader sees the same typed failure as for the call that opened it.
/// </summary>
internal sealed class RegionStoreReadStream(Stream inner, string region, string operation) : ReadOnlyStream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch (Exception e) when (AzureFailures.IsStoreFailure(e, CancellationToken.None))
        {
            throw AzureFailures.Translate(region, operation, e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureFailures.IsStoreFailure(e, cancellationToken))
        {
            throw AzureFailures.Translate(region, operation, e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
