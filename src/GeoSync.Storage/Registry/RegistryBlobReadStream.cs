using GeoSync.Domain.Content;

namespace GeoSync.Storage.Registry;

/// <summary>
/// A blob read from the registry, hashed as it streams: the last read fails with
/// <see cref="RegionStoreFailure.DigestMismatch"/> when the bytes are not the digest's (a reader never takes wrong
/// bytes for the blob). A connection that breaks mid-read is resumed with a ranged GET from the byte it broke at.
/// </summary>
internal sealed class RegistryBlobReadStream(
    HttpResponseMessage first,
    Stream firstBody,
    Digest digest,
    Func<long, CancellationToken, Task<HttpResponseMessage>> reopen,
    string region,
    string operation) : ReadOnlyStream
{
    private const int MaxResumes = 3;

    private readonly DigestHasher _hasher = new();
    private HttpResponseMessage _response = first;
    private Stream _body = firstBody;
    private long _position;
    private int _resumes;
    private bool _verified;

    public override long Position => _position;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            int read;
            try
            {
                read = await _body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                await ResumeAsync(e, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (read == 0 && buffer.Length > 0)
            {
                Verify();
                return 0;
            }

            _hasher.Append(buffer.Span[..read]);
            _position += read;
            return read;
        }
    }

    private async Task ResumeAsync(Exception broken, CancellationToken cancellationToken)
    {
        if (++_resumes > MaxResumes)
        {
            throw new RegionStoreException(region, operation, RegionStoreFailure.Unavailable, $"the connection broke {MaxResumes + 1} times, last at byte {_position}", broken);
        }

        DisposeResponse();
        _response = await reopen(_position, cancellationToken).ConfigureAwait(false);
        _body = await _response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Verify()
    {
        if (_verified)
        {
            return;
        }

        Digest actual = _hasher.Finish();
        if (actual != digest)
        {
            throw new RegionStoreException(region, operation, RegionStoreFailure.DigestMismatch, $"the registry sent {_position} bytes hashing to {actual.Short}");
        }

        _verified = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeResponse();
            _hasher.Dispose();
        }

        base.Dispose(disposing);
    }

    private void DisposeResponse()
    {
        _body.Dispose();
        _response.Dispose();
    }
}
