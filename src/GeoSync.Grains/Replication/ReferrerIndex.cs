using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Manifests;
using GeoSync.Domain.Events;
using GeoSync.Domain.Names;
using GeoSync.Grains.Regions;
using GeoSync.Storage;
using Microsoft.Extensions.Logging;
using GeoSync.Domain.Text;

namespace GeoSync.Grains.Replication;

/// <summary>A manifest that refers to another: a signature, SBOM or attestation.</summary>
/// <param name="Descriptor">The referrer manifest.</param>
/// <param name="Subject">The manifest it refers to.</param>
/// <param name="ArtifactType">Its artifact type (for gates), when known.</param>
/// <param name="Tag">The tag-scheme tag (<c>sha256-&lt;hex&gt;.sig</c>) it is stored under, when it is one.</param>
public sealed record Referrer(Descriptor Descriptor, Digest Subject, string? ArtifactType, string? Tag);

/// <summary>
/// Finds the referrers of manifests in a region's store: manifests whose <c>subject</c> names them (OCI 1.1), and
/// tag-scheme referrers (<c>sha256-&lt;hex&gt;.sig</c>, <c>.att</c>, <c>.sbom</c>) as cosign writes them. The
/// distribution v2 layout keeps no referrers index, so revisions are parsed once each and remembered by digest
/// (manifests are immutable).
/// </summary>
public sealed partial class ReferrerIndex(RegionDirectory regions, ILogger<ReferrerIndex> logger)
{
    private const int CacheLimit = 100_000;
    private readonly ConcurrentDictionary<Digest, ManifestFacts> _facts = new();

    /// <summary>The referrers in <paramref name="region"/>'s <paramref name="repository"/> of any of <paramref name="subjects"/>.</summary>
    public async Task<IReadOnlyList<Referrer>> FindAsync(string region, RepositoryName repository, IReadOnlySet<Digest> subjects, CancellationToken cancellationToken = default)
    {
        IRegionStore store = regions[region].Store;
        var found = new Dictionary<Digest, Referrer>();
        await foreach (Digest revision in store.ListManifestRevisionsAsync(repository, cancellationToken).ConfigureAwait(false))
        {
            if (subjects.Contains(revision))
            {
                continue;
            }

            ManifestFacts? facts = await FactsAsync(store, repository, revision, cancellationToken).ConfigureAwait(false);
            if (facts?.Subject is Digest subject && subjects.Contains(subject))
            {
                found[revision] = new Referrer(new Descriptor(facts.MediaType, revision, facts.Size), subject, facts.ArtifactType(null), null);
            }
        }

        await foreach (Tag tag in store.ListTagsAsync(repository, cancellationToken).ConfigureAwait(false))
        {
            if (TagSchemeSubject(tag.Value) is not Digest subject || !subjects.Contains(subject))
            {
                continue;
            }

            if (await store.ReadTagAsync(repository, tag, cancellationToken).ConfigureAwait(false) is not Digest digest)
            {
                continue;
            }

            ManifestFacts? facts = await FactsAsync(store, repository, digest, cancellationToken).ConfigureAwait(false);
            if (facts is not null)
            {
                found[digest] = new Referrer(new Descriptor(facts.MediaType, digest, facts.Size), subject, facts.ArtifactType(tag.Value), tag.Value);
            }
        }

        return [.. found.Values.OrderBy(r => r.Descriptor.Digest)];
    }

    /// <summary>
    /// When a pushed manifest is a referrer (a tag-scheme tag, or an untagged manifest with a <c>subject</c>), the
    /// digest it refers to; otherwise null.
    /// </summary>
    public async Task<Digest?> SubjectOfPushAsync(string region, RegistryEvent pushed, CancellationToken cancellationToken = default)
    {
        if (pushed.Kind != RegistryEventKind.ManifestPush || pushed.Target.Digest is not Digest digest)
        {
            return null;
        }

        if (pushed.Target.Tag is Tag tag)
        {
            return TagSchemeSubject(tag.Value);
        }

        try
        {
            ManifestFacts? facts = await FactsAsync(regions[region].Store, pushed.Target.Repository, digest, cancellationToken).ConfigureAwait(false);
            return facts?.Subject;
        }
        catch (RegionStoreException ex)
        {
            // Reconciliation finds the referrer later; a store hiccup must not stop the event from applying.
            LogSubjectUnknown(region, digest.Short, LogText.Escape(ex.Message));
            return null;
        }
    }

    /// <summary>The subject digest a tag-scheme referrer tag names, e.g. <c>sha256-&lt;hex&gt;.sig</c>.</summary>
    public static Digest? TagSchemeSubject(string tag)
    {
        Match match = TagSchemePattern().Match(tag);
        return match.Success && Digest.TryParse($"sha256:{match.Groups[1].Value}", out Digest digest) ? digest : null;
    }

    private async Task<ManifestFacts?> FactsAsync(IRegionStore store, RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        if (_facts.TryGetValue(digest, out ManifestFacts? known))
        {
            return known;
        }

        byte[] content;
        try
        {
            await using Stream stream = await store.OpenBlobAsync(repository, digest, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            content = buffer.ToArray();
        }
        catch (RegionStoreException ex) when (ex.Failure == RegionStoreFailure.NotFound)
        {
            return null;
        }

        ManifestFacts facts;
        try
        {
            ManifestDocument document = ManifestParser.Parse(content, null);
            facts = new ManifestFacts(document.MediaType, content.LongLength, document.Subject?.Digest, document);
        }
        catch (FormatException)
        {
            facts = new ManifestFacts(string.Empty, content.LongLength, null, null);
        }

        if (_facts.Count > CacheLimit)
        {
            _facts.Clear();
        }

        _facts[digest] = facts;
        return facts;
    }

    [GeneratedRegex(@"^sha256-([a-f0-9]{64})(?:\.[A-Za-z0-9_-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex TagSchemePattern();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read {Digest} in `{Region}` to look for a subject: {Reason}")]
    private partial void LogSubjectUnknown(string region, string digest, string reason);

    private sealed record ManifestFacts(string MediaType, long Size, Digest? Subject, ManifestDocument? Document)
    {
        /// <summary>The artifact type a gate knows it by, stored under <paramref name="tag"/> (see <see cref="Referrers.ArtifactTypeOf"/>).</summary>
        public string? ArtifactType(string? tag) => Document is null ? null : Referrers.ArtifactTypeOf(Document, tag);
    }
}
