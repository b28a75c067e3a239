using GeoSync.Testing.Registry;

namespace GeoSync.Storage.Tests.FileSystem;

/// <summary>
/// Makes a folder refuse new entries for the duration of a test, restoring it on dispose. Permission bits do not
/// stop root, so as root the folder is made immutable (<c>chattr +i</c>) instead; the call fails loudly if the file
/// system does not support it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnwritableFolder : IAsyncDisposable
{
    private readonly string _path;

    private UnwritableFolder(string path) => _path = path;

    public static async Task<UnwritableFolder> MakeAsync(string path)
    {
        Directory.CreateDirectory(path);
        if (Environment.IsPrivilegedProcess)
        {
            await ExternalProcess.RunAsync("chattr", ["+i", path]);
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        return new UnwritableFolder(path);
    }

    public async ValueTask DisposeAsync()
    {
        if (Environment.IsPrivilegedProcess)
        {
            await ExternalProcess.RunAsync("chattr", ["-i", _path]);
        }
        else
        {
            File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
