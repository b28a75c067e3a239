using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GeoSync.Storage.FileSystem;

/// <summary>
/// Copies one open file into another inside the kernel (Linux <c>copy_file_range</c>: no bytes cross into the
/// process; on a file system with reflinks the blocks are even shared). Falls back to a pooled-buffer copy where the
/// call is unavailable (other systems, or a kernel or file-system pair that refuses it). Works in bounded chunks so a
/// cancellation is honoured between them.
/// </summary>
internal static class KernelFileCopy
{
    private const int ChunkSize = 16 * 1024 * 1024;
    private const int FallbackBufferSize = 1024 * 1024;

    // errno values meaning "this pair of files cannot use copy_file_range", not "the copy failed".
    private const int EXDEV = 18;
    private const int EINVAL = 22;
    private const int ENOSYS = 38;
    private const int EOPNOTSUPP = 95;

    /// <summary>Copies <paramref name="source"/> from offset 0 to its end into <paramref name="target"/>; returns the bytes copied.</summary>
    public static long Copy(SafeFileHandle source, SafeFileHandle target, CancellationToken cancellationToken)
    {
        long copied = 0;
        if (OperatingSystem.IsLinux() && TryCopyInKernel(source, target, ref copied, cancellationToken))
        {
            return copied;
        }

        return CopyThroughBuffer(source, target, copied, cancellationToken);
    }

    private static bool TryCopyInKernel(SafeFileHandle source, SafeFileHandle target, ref long copied, CancellationToken cancellationToken)
    {
        int inFd = (int)source.DangerousGetHandle();
        int outFd = (int)target.DangerousGetHandle();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long inOffset = copied;
            long outOffset = copied;
            nint result = CopyFileRange(inFd, ref inOffset, outFd, ref outOffset, ChunkSize, 0);
            if (result == 0)
            {
                return true;
            }

            if (result < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (copied == 0 && errno is EXDEV or EINVAL or ENOSYS or EOPNOTSUPP)
                {
                    return false;
                }

                throw new IOException($"copy_file_range failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }

            copied += result;
        }
    }

    private static long CopyThroughBuffer(SafeFileHandle source, SafeFileHandle target, long offset, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(FallbackBufferSize);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int read = RandomAccess.Read(source, buffer.AsSpan(0, FallbackBufferSize), offset);
                if (read == 0)
                {
                    return offset;
                }

                RandomAccess.Write(target, buffer.AsSpan(0, read), offset);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [DllImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static extern nint CopyFileRange(int fdIn, ref long offIn, int fdOut, ref long offOut, nuint length, uint flags);
}
