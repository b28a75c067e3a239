using System.Text;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.FileSystem;
using GeoSync.Storage.Layout;
using GeoSync.Storage.Tests.Conformance;
using GeoSync.Testing;
using Microsoft.Extensions.Time.Testing;

namespace GeoSync.Storage.Tests.FileSystem;

/// <summary>What the filesystem driver does beyond the conformance suite: where it stages writes, what it leaves behind, how it reads a registry's folders.</summary>
public sealed class FileSystemRegionStoreTests : IDisposable
{
    private readonly TestDirectory _directory = new("fs-store");
    private readonly FileSystemRegionStore _store;

    public FileSystemRegionStoreTests() => _store = new FileSystemRegionStore("eu", _directory.Combine("eu"));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task WriteBlob_InFlight_IsStagedOutsideTheLayoutUntilVerified()
    {
        const long size = 4L * 1024 * 1024;
        const long pauseAt = 2L * 1024 * 1024;
        ulong seed = 7;
        Digest digest = GeneratedContentStream.DigestOf(size, seed);
        var paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var content = new InterruptedStream(new GeneratedContentStream(size, seed), pauseAt, () =>
        {
            paused.TrySetResult();
            release.Task.Wait();
        });

        Task<long> writing = Task.Run(() => _store.WriteBlobAsync(digest, content, size));
        await paused.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(FilesUnder(Path.Combine(_store.RootPath, "docker")));
        FileInfo staged = Assert.Single(new DirectoryInfo(_store.UploadsPath).GetFiles());
        Assert.InRange(staged.Length, 1, pauseAt); // the driver reads ahead of what it has written

        release.SetResult();
        Assert.Equal(size, await writing);
        Assert.Equal(size, new FileInfo(Path.Combine(_store.RootPath, DistributionLayout.BlobData(digest))).Length);
        Assert.Empty(FilesUnder(_store.UploadsPath));
    }

    [Fact]
    public async Task SetTag_MovedBackToADigest_ReusesItsIndexLinkAndMovesOnlyTheCurrentLink()
    {
        RepositoryName repository = RepositoryName.Parse("team/app");
        Tag tag = Tag.Parse("latest");
        Digest first = Digest.Compute(Encoding.UTF8.GetBytes("first"));
        Digest second = Digest.Compute(Encoding.UTF8.GetBytes("second"));
        await _store.SetTagAsync(repository, tag, first);
        string indexLink = Path.Combine(_store.RootPath, DistributionLayout.TagIndexLink(repository, tag, first));
        var longAgo = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(indexLink, longAgo);

        await _store.SetTagAsync(repository, tag, second);
        await _store.SetTagAsync(repository, tag, first);

        Assert.Equal(first, await _store.ReadTagAsync(repository, tag));
        Assert.Equal(longAgo, File.GetLastWriteTimeUtc(indexLink)); // not rewritten (a rewrite renames a new file in)
        Assert.Equal(first.ToString(), await File.ReadAllTextAsync(indexLink));
        Assert.True(File.Exists(Path.Combine(_store.RootPath, DistributionLayout.TagIndexLink(repository, tag, second))));
    }

    public static TheoryData<string> FailedWrites => new() { "digest mismatch", "wrong size", "source failure", "cancelled" };

    [Theory]
    [MemberData(nameof(FailedWrites))]
    public async Task WriteBlob_Failed_LeavesNoTemporaryFile(string failure)
    {
        const long size = 3L * 1024 * 1024;
        ulong seed = 11;
        Digest digest = GeneratedContentStream.DigestOf(size, seed);
        using var cancellation = new CancellationTokenSource();
        Task write = failure switch
        {
            "digest mismatch" => _store.WriteBlobAsync(GeneratedContentStream.DigestOf(size, seed + 1), new GeneratedContentStream(size, seed), size),
            "wrong size" => _store.WriteBlobAsync(digest, new GeneratedContentStream(size, seed), size - 1),
            "source failure" => _store.WriteBlobAsync(digest, new InterruptedStream(new GeneratedContentStream(size, seed), size / 2, () => throw new IOException("reset")), size),
            _ => _store.WriteBlobAsync(digest, new InterruptedStream(new GeneratedContentStream(size, seed), size / 2, cancellation.Cancel), size, cancellation.Token),
        };

        await Assert.ThrowsAnyAsync<Exception>(() => write);

        Assert.Empty(FilesUnder(_store.UploadsPath));
        Assert.Empty(FilesUnder(Path.Combine(_store.RootPath, "docker")));
    }

    [Fact]
    public async Task LinksTagsAndDeletes_LeaveNoTemporaryFiles()
    {
        RepositoryName repository = RepositoryName.Parse("team/app");
        Digest digest = Digest.Compute("m"u8);
        await _store.LinkLayerAsync(repository, digest);
        await _store.LinkManifestAsync(repository, digest);
        await _store.SetTagAsync(repository, Tag.Parse("v1"), digest);
        await _store.DeleteTagAsync(repository, Tag.Parse("v1"));
        await _store.DeleteManifestLinkAsync(repository, digest);

        Assert.Empty(FilesUnder(_store.UploadsPath));
        Assert.Empty(Directory.GetDirectories(_store.UploadsPath));
        Assert.Equal([Path.Combine(_store.RootPath, DistributionLayout.LayerLink(repository, digest))], FilesUnder(Path.Combine(_store.RootPath, "docker")));
    }

    [Fact]
    public async Task CopyBlobServerSide_SourceBytesNotMatchingTheirDigest_FailsAndLeavesNothing()
    {
        var source = new FileSystemRegionStore("us", _directory.Combine("us"));
        byte[] bytes = Encoding.ASCII.GetBytes("original content");
        Digest digest = Digest.Compute(bytes);
        await source.WriteBlobAsync(digest, new MemoryStream(bytes), bytes.Length);
        File.WriteAllBytes(Path.Combine(source.RootPath, DistributionLayout.BlobData(digest)), Encoding.ASCII.GetBytes("tampered content"));

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => _store.CopyBlobServerSideAsync(source, digest, bytes.Length));

        Assert.Equal(RegionStoreFailure.DigestMismatch, failure.Failure);
        Assert.Null(await _store.StatBlobAsync(digest));
        Assert.Empty(FilesUnder(_store.UploadsPath));
    }

    [Fact]
    public async Task ListRepositories_RegistryInternalAndInvalidFolders_AreNotRepositories()
    {
        string repositories = Path.Combine(_store.RootPath, DistributionLayout.RepositoriesRoot);
        Directory.CreateDirectory(Path.Combine(repositories, "team", "app", "_layers"));
        Directory.CreateDirectory(Path.Combine(repositories, "team", "uploading", "_uploads", "0c8d1e"));   // a push in progress
        Directory.CreateDirectory(Path.Combine(repositories, "_hidden", "_manifests"));
        Directory.CreateDirectory(Path.Combine(repositories, "Upper", "_manifests"));                     // not a valid name

        List<RepositoryName> listed = [];
        await foreach (RepositoryName repository in _store.ListRepositoriesAsync())
        {
            listed.Add(repository);
        }

        Assert.Equal([RepositoryName.Parse("team/app")], listed);
    }

    public static TheoryData<string, RegionStoreFailure?> LinkContents => new()
    {
        // content, how reading it fails (null: it reads as its digest)
        { "sha256:" + new string('a', 64), null },
        { "sha256:" + new string('a', 64) + "\n", null },
        { "garbage", RegionStoreFailure.Failed },
        { "sha256:" + new string('a', 64) + "x", RegionStoreFailure.Failed },
        // What a reader sees while the registry writes the link (truncated first, then written): retried, not corrupt.
        { string.Empty, RegionStoreFailure.Unavailable },
        { "sha256:" + new string('a', 20), RegionStoreFailure.Unavailable },
    };

    [Theory]
    [MemberData(nameof(LinkContents))]
    public async Task ReadTag_LinkContent_IsParsedOrReportedCorruptOrBeingWritten(string content, RegionStoreFailure? failure)
    {
        RepositoryName repository = RepositoryName.Parse("team/app");
        Tag tag = Tag.Parse("v1");
        string link = Path.Combine(_store.RootPath, DistributionLayout.TagCurrentLink(repository, tag));
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.WriteAllText(link, content);

        if (failure is null)
        {
            Assert.Equal(Digest.Parse(content.Trim()), await _store.ReadTagAsync(repository, tag));
        }
        else
        {
            var thrown = await Assert.ThrowsAsync<RegionStoreException>(() => _store.ReadTagAsync(repository, tag));
            Assert.Equal(failure, thrown.Failure);
            Assert.Equal(failure == RegionStoreFailure.Unavailable, thrown.IsRetryable);
            Assert.Contains(failure == RegionStoreFailure.Unavailable ? "being written" : "corrupt", thrown.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task WriteBlob_UploadsFolderNotWritable_FailsDeniedAndLeavesNothing()
    {
        byte[] bytes = "denied"u8.ToArray();
        Digest digest = Digest.Compute(bytes);
        RegionStoreException failure;
        await using (await UnwritableFolder.MakeAsync(_store.UploadsPath))
        {
            failure = await Assert.ThrowsAsync<RegionStoreException>(() => _store.WriteBlobAsync(digest, new MemoryStream(bytes), bytes.Length));
        }

        Assert.Equal(RegionStoreFailure.Denied, failure.Failure);
        Assert.Equal("eu", failure.Region);
        Assert.False(failure.IsRetryable);
        Assert.Null(await _store.StatBlobAsync(digest));
    }

    [Fact]
    public async Task WriteBlob_RootIsAFile_FailsWithRegionAndRoot()
    {
        string root = _directory.Combine("not-a-folder");
        File.WriteAllText(root, "a file where the store's folder should be");
        var store = new FileSystemRegionStore("broken", root);
        byte[] bytes = "x"u8.ToArray();

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => store.WriteBlobAsync(Digest.Compute(bytes), new MemoryStream(bytes), 1));

        Assert.Equal("broken", failure.Region);
        Assert.Contains(root, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAbandonedUploads_OldAndFreshEntries_DeletesOnlyTheOldOnes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new FileSystemRegionStore("eu", _store.RootPath, timeProvider: clock);
        byte[] bytes = "kept blob"u8.ToArray();
        await store.WriteBlobAsync(Digest.Compute(bytes), new MemoryStream(bytes), bytes.Length);
        string crashedWrite = Path.Combine(store.UploadsPath, "crashed-write");
        string crashedDelete = Path.Combine(store.UploadsPath, "crashed-delete");
        string inProgress = Path.Combine(store.UploadsPath, "in-progress");
        File.WriteAllText(crashedWrite, "partial");
        Directory.CreateDirectory(Path.Combine(crashedDelete, "current"));
        File.WriteAllText(inProgress, "partial");
        DateTime old = clock.GetUtcNow().UtcDateTime - TimeSpan.FromHours(30);
        File.SetLastWriteTimeUtc(crashedWrite, old);
        Directory.SetLastWriteTimeUtc(crashedDelete, old);

        int deleted = store.DeleteAbandonedUploads(TimeSpan.FromHours(24));

        Assert.Equal(2, deleted);
        Assert.Equal([inProgress], Directory.GetFileSystemEntries(store.UploadsPath));
        Assert.Equal(bytes.Length, await store.StatBlobAsync(Digest.Compute(bytes)));
    }

    private static string[] FilesUnder(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : [];
}
