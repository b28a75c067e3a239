using GeoSync.Domain.Content;
using GeoSync.Domain.Names;

namespace GeoSync.Storage.Layout;

/// <summary>
/// Paths of the CNCF distribution registry's storage layout (v2), relative to a store's root, always with
/// forward slashes. Both drivers use these, so a stock registry reads what either of them wrote:
/// <code>
/// docker/registry/v2/blobs/sha256/&lt;first 2 hex&gt;/&lt;hex&gt;/data
/// docker/registry/v2/repositories/&lt;name&gt;/_layers/sha256/&lt;hex&gt;/link
/// docker/registry/v2/repositories/&lt;name&gt;/_manifests/revisions/sha256/&lt;hex&gt;/link
/// docker/registry/v2/repositories/&lt;name&gt;/_manifests/tags/&lt;tag&gt;/index/sha256/&lt;hex&gt;/link
/// docker/registry/v2/repositories/&lt;name&gt;/_manifests/tags/&lt;tag&gt;/current/link
/// </code>
/// Repository names and tags are validated types whose grammar excludes <c>..</c>, absolute paths and
/// backslashes, so no path built here escapes the root.
/// </summary>
public static class DistributionLayout
{
    /// <summary>The prefix of everything the registry stores.</summary>
    public const string Root = "docker/registry/v2";

    private const int Sha256HexLength = 64;

    /// <summary>Where repositories live.</summary>
    public const string RepositoriesRoot = Root + "/repositories";

    /// <summary>The link file's content for a digest: exactly <c>sha256:&lt;hex&gt;</c>, no newline.</summary>
    public static string LinkContent(Digest digest) => digest.ToString();

    /// <summary>
    /// True for the content of a link its writer has not finished: distribution's filesystem driver truncates a link,
    /// then writes it, so a reader in between sees it empty or cut short. Such a read is retried, never taken for the
    /// link's value.
    /// </summary>
    public static bool IsPartialLink(string content)
    {
        const string prefix = Digest.Sha256 + ":";
        if (content.Length <= prefix.Length)
        {
            return prefix.StartsWith(content, StringComparison.Ordinal);
        }

        return content.Length < prefix.Length + Sha256HexLength
            && content.StartsWith(prefix, StringComparison.Ordinal)
            && !content.AsSpan(prefix.Length).ContainsAnyExcept("0123456789abcdef");
    }

    /// <summary>The folder of a blob.</summary>
    public static string BlobDirectory(Digest digest) => $"{Root}/blobs/{digest.Algorithm}/{digest.Hex[..2]}/{digest.Hex}";

    /// <summary>The blob's data file.</summary>
    public static string BlobData(Digest digest) => $"{BlobDirectory(digest)}/data";

    /// <summary>A repository's folder.</summary>
    public static string Repository(RepositoryName repository) => $"{RepositoriesRoot}/{repository.Value}";

    /// <summary>The layer link that lets a repository serve a blob.</summary>
    public static string LayerLink(RepositoryName repository, Digest digest) =>
        $"{Repository(repository)}/_layers/{digest.Algorithm}/{digest.Hex}/link";

    /// <summary>The folder of a repository's manifest revisions.</summary>
    public static string ManifestRevisions(RepositoryName repository) => $"{Repository(repository)}/_manifests/revisions/{Digest.Sha256}";

    /// <summary>The link of one manifest revision.</summary>
    public static string ManifestRevisionLink(RepositoryName repository, Digest digest) =>
        $"{ManifestRevisions(repository)}/{digest.Hex}/link";

    /// <summary>The folder holding a repository's tags.</summary>
    public static string Tags(RepositoryName repository) => $"{Repository(repository)}/_manifests/tags";

    /// <summary>The folder of one tag.</summary>
    public static string Tag(RepositoryName repository, Tag tag) => $"{Tags(repository)}/{tag.Value}";

    /// <summary>The tag's current link: what the tag points at. Written last.</summary>
    public static string TagCurrentLink(RepositoryName repository, Tag tag) => $"{Tag(repository, tag)}/current/link";

    /// <summary>The tag's history entry for a digest.</summary>
    public static string TagIndexLink(RepositoryName repository, Tag tag, Digest digest) =>
        $"{Tag(repository, tag)}/index/{digest.Algorithm}/{digest.Hex}/link";
}
