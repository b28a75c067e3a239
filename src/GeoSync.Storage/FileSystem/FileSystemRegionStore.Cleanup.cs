using GeoSync.Domain.Text;

namespace GeoSync.Storage.FileSystem;

public sealed partial class FileSystemRegionStore
{
    /// <summary>
    /// Deletes temporary files and folders under <see cref="UploadsPath"/> untouched for <paramref name="olderThan"/>:
    /// what a process that crashed mid-write left behind. A write in progress keeps touching its file, so a generous
    /// age (hours) never removes one. Returns the number of entries deleted.
    /// </summary>
    public int DeleteAbandonedUploads(TimeSpan olderThan)
    {
        DateTime cutoff = (_timeProvider.GetUtcNow() - olderThan).UtcDateTime;
        return Guard("delete abandoned uploads", () =>
        {
            if (!Directory.Exists(UploadsPath))
            {
                return 0;
            }

            int deleted = 0;
            foreach (FileSystemInfo entry in new DirectoryInfo(UploadsPath).EnumerateFileSystemInfos())
            {
                if (entry.LastWriteTimeUtc >= cutoff)
                {
                    continue;
                }

                try
                {
                    if (entry is DirectoryInfo folder)
                    {
                        folder.Delete(recursive: true);
                    }
                    else
                    {
                        entry.Delete();
                    }

                    deleted++;
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    // Finished or cleaned up concurrently.
                }
            }

            if (deleted > 0)
            {
                LogAbandonedUploadsDeleted(Region, deleted, LogText.Escape(UploadsPath));
            }

            return deleted;
        });
    }
}
