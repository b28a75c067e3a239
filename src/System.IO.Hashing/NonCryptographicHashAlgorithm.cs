using System.Buffers;
using System.Threading;
using System.Threading.Tasks;

namespace System.IO.Hashing;

/// <summary>
/// Base class for non-cryptographic hash algorithms, with the public API of the System.IO.Hashing package
/// (version 6.0.0). Only this abstract type is supplied: Azure.Storage.Common derives its CRC-64 from it.
/// </summary>
public abstract class NonCryptographicHashAlgorithm
{
    private const int BufferSize = 81920;

    /// <summary>Initializes the algorithm with the length of the hash it produces.</summary>
    protected NonCryptographicHashAlgorithm(int hashLengthInBytes)
    {
        if (hashLengthInBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(hashLengthInBytes));
        }

        HashLengthInBytes = hashLengthInBytes;
    }

    /// <summary>The number of bytes the hash produces.</summary>
    public int HashLengthInBytes { get; }

    /// <summary>Appends the contents of <paramref name="source"/> to the data already processed.</summary>
    public abstract void Append(ReadOnlySpan<byte> source);

    /// <summary>Resets the hash to its initial state.</summary>
    public abstract void Reset();

    /// <summary>Writes the hash of the data processed so far into <paramref name="destination"/>.</summary>
    protected abstract void GetCurrentHashCore(Span<byte> destination);

    /// <summary>Appends the contents of <paramref name="source"/>.</summary>
    public void Append(byte[] source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Append(new ReadOnlySpan<byte>(source));
    }

    /// <summary>Appends the contents of <paramref name="stream"/>, read to its end.</summary>
    public void Append(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                Append(new ReadOnlySpan<byte>(buffer, 0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Appends the contents of <paramref name="stream"/>, read asynchronously to its end.</summary>
    public async Task AppendAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                Append(new ReadOnlySpan<byte>(buffer, 0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Returns the hash of the data processed so far.</summary>
    public byte[] GetCurrentHash()
    {
        byte[] result = new byte[HashLengthInBytes];
        GetCurrentHashCore(result);
        return result;
    }

    /// <summary>Writes the current hash into <paramref name="destination"/> when it is large enough.</summary>
    public bool TryGetCurrentHash(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < HashLengthInBytes)
        {
            bytesWritten = 0;
            return false;
        }

        GetCurrentHashCore(destination.Slice(0, HashLengthInBytes));
        bytesWritten = HashLengthInBytes;
        return true;
    }

    /// <summary>Writes the current hash into <paramref name="destination"/>.</summary>
    public int GetCurrentHash(Span<byte> destination)
    {
        if (destination.Length < HashLengthInBytes)
        {
            throw new ArgumentException("Destination is too short.", nameof(destination));
        }

        GetCurrentHashCore(destination.Slice(0, HashLengthInBytes));
        return HashLengthInBytes;
    }

    /// <summary>Returns the hash of the data processed so far and resets the algorithm.</summary>
    public byte[] GetHashAndReset()
    {
        byte[] result = new byte[HashLengthInBytes];
        GetHashAndResetCore(result);
        return result;
    }

    /// <summary>Writes the hash into <paramref name="destination"/> and resets, when it is large enough.</summary>
    public bool TryGetHashAndReset(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < HashLengthInBytes)
        {
            bytesWritten = 0;
            return false;
        }

        GetHashAndResetCore(destination.Slice(0, HashLengthInBytes));
        bytesWritten = HashLengthInBytes;
        return true;
    }

    /// <summary>Writes the hash into <paramref name="destination"/> and resets the algorithm.</summary>
    public int GetHashAndReset(Span<byte> destination)
    {
        if (destination.Length < HashLengthInBytes)
        {
            throw new ArgumentException("Destination is too short.", nameof(destination));
        }

        GetHashAndResetCore(destination.Slice(0, HashLengthInBytes));
        return HashLengthInBytes;
    }

    /// <summary>Writes the hash into <paramref name="destination"/>, then resets.</summary>
    protected virtual void GetHashAndResetCore(Span<byte> destination)
    {
        GetCurrentHashCore(destination);
        Reset();
    }

    /// <summary>Not supported: a hash algorithm has no meaningful hash code.</summary>
    [Obsolete("Use GetCurrentHash() to retrieve the computed hash code.", true)]
#pragma warning disable CS0809 // Obsolete member overrides non-obsolete member
    public override int GetHashCode() => throw new NotSupportedException();
#pragma warning restore CS0809
}
