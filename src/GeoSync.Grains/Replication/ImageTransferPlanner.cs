using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Graph;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Repositories;
using GeoSync.Storage;

namespace GeoSync.Grains.Replication;

/// <summary>
/// What one target region must receive for one image, and how: blobs through their replicators, manifests linked (or
/// put whole), tags last. A sync (<see cref="RegionReplicator"/>) carries it out; <c>geosync plan</c> only reports it,
/// so the plan and the sync that follows cannot disagree.
/// </summary>
/// <param name="Plan">What the region lacks, in writing order.</param>
/// <param name="BlobCopies">Blobs (and, where manifests are blobs, manifests) whose bytes cross through their replicators, from the cheapest holder.</param>
/// <param name="ManifestPuts">Manifests put whole, children first, with bytes read from the image's source region (a registry takes manifests only so).</param>
/// <param name="MissingGates">Artifact types whose referrer the region still lacks: the tag waits.</param>
/// <param name="Unexplained">Why the region's tag must not be moved yet, or null.</param>
/// <param name="Manifests">Every manifest of the image and its referrers: which copies are manifests' bytes.</param>
public sealed record ImageTransfer(
    RegionPlan Plan,
    IReadOnlyList<Descriptor> BlobCopies,
    IReadOnlyList<Descriptor> ManifestPuts,
    IReadOnlyList<string> MissingGates,
    string? Unexplained,
    IReadOnlySet<Digest> Manifests)
{
    /// <summary>True when the tag may be moved: no gate holds it and nothing unexplained names it.</summary>
    public bool MoveTag => MissingGates.Count == 0 && Unexplained is null;
}

/// <summary>
/// Plans an image for a target region: resolves the image graph and its referrers in the source region, reads what the
/// region holds, and decides what it lacks (<see cref="RegionPlanner"/>). Reads only: nothing is written anywhere.
/// </summary>
public sealed class ImageTransferPlanner(RegionDirectory regions, ReferrerIndex referrers, ImageGraphCache graphs, TimeProvider time)
{
    private const int HoldingsParallelism = 16;

    /// <summary>How long a region's own push, whose event has not been applied, keeps GeoSync from moving its tag.</summary>
    private static readonly TimeSpan LocalPushGrace = TimeSpan.FromMinutes(5);

    /// <summary>The image graph of the work's desired tag, read from its source region.</summary>
    public Task<ImageGraph> GraphAsync(RegionWork work, RepositoryName repository, CancellationToken cancellationToken = default)
    {
        DesiredTag desired = work.Desired!;
        return graphs.GetAsync(regions[desired.SourceRegion].Store, repository, Root(desired), cancellationToken);
    }

    /// <summary>The root descriptor of a desired tag.</summary>
    public static Descriptor Root(DesiredTag desired) => new(desired.MediaType, desired.Digest!.Value, desired.Size);

    /// <summary>True when the tag holds a referrer (signature, SBOM): it replicates with its subject and settles by itself.</summary>
    public static bool IsReferrer(RegionWork work, ImageGraph image) => Referrers.IsReferrer(image.Root.Document, Tag.Parse(work.Key));

    /// <summary>The gates holding the region: a gate holds deployable images only.</summary>
    public static IReadOnlyList<string> Gates(RegionWork work, ImageGraph image) =>
        IsReferrer(work, image) ? [] : work.Target?.RequiredReferrerArtifactTypes ?? [];

    /// <summary>What <paramref name="target"/> lacks of <paramref name="image"/> and its referrers, and how each part gets there.</summary>
    public async Task<ImageTransfer> PlanAsync(RegionWork work, RepositoryName repository, IRegionStore target, ImageGraph image, IReadOnlyList<string> gates, CancellationToken cancellationToken = default)
    {
        string source = work.Desired!.SourceRegion;
        IRegionStore sourceStore = regions[source].Store;
        Digest root = work.Desired.Digest!.Value;

        // Referrers (signatures, SBOMs) of any manifest of the image follow it, subject first.
        var blobs = new List<Descriptor>(image.Blobs.Select(n => n.Descriptor));
        var manifests = new List<Descriptor>(image.Manifests.Select(n => n.Descriptor));
        var tags = new List<KeyValuePair<string, Digest>>();
        IReadOnlyList<Referrer> found = [];
        if (work.Target?.Referrers ?? true)
        {
            found = await referrers.FindAsync(source, repository, image.Manifests.Select(m => m.Digest).ToHashSet(), cancellationToken).ConfigureAwait(false);
            foreach (Referrer referrer in found)
            {
                ImageGraph graph = await graphs.GetAsync(sourceStore, repository, referrer.Descriptor, cancellationToken).ConfigureAwait(false);
                blobs.AddRange(graph.Blobs.Select(n => n.Descriptor));
                manifests.AddRange(graph.Manifests.Select(n => n.Descriptor));
                if (referrer.Tag is not null)
                {
                    tags.Add(new(referrer.Tag, referrer.Descriptor.Digest));
                }
            }
        }

        IReadOnlyList<string> missing = GateCheck.Missing(gates, found);
        string? unexplained = await UnexplainedTagAsync(work, repository, target, root, cancellationToken).ConfigureAwait(false);
        if (missing.Count == 0 && unexplained is null)
        {
            tags.Add(new(work.Key, root));
        }

        RegionHoldings holdings = await ReadHoldingsAsync(target, repository, blobs, manifests, tags, cancellationToken).ConfigureAwait(false);
        RegionPlan plan = RegionPlanner.Plan(blobs, manifests, tags, holdings);

        // A store that takes manifests only whole (a registry) gets their bytes when they are put, children first.
        HashSet<Digest> manifestDigests = [.. manifests.Select(m => m.Digest)];
        return new ImageTransfer(
            plan,
            [.. plan.BlobsToCopy.Where(b => target.ManifestsAreBlobs || !manifestDigests.Contains(b.Digest))],
            target.ManifestsAreBlobs ? [] : [.. plan.ManifestsToLink],
            missing,
            unexplained,
            manifestDigests);
    }

    /// <summary>
    /// Why the region's tag must not be moved yet, or null: it names a digest no applied push of the tag named, so the
    /// region's own registry moved it and that push's event is still on its way (it may be the later push). A tag
    /// that stays unexplained past a grace period diverged without an event, and the decision overwrites it.
    /// </summary>
    private async Task<string?> UnexplainedTagAsync(RegionWork work, RepositoryName repository, IRegionStore target, Digest desired, CancellationToken cancellationToken)
    {
        if (work.KnownDigests is not { } known || time.GetUtcNow() - work.Desired!.AcceptedAt > LocalPushGrace)
        {
            return null;
        }

        Digest? held = await target.ReadTagAsync(repository, Tag.Parse(work.Key), cancellationToken).ConfigureAwait(false);
        return held is Digest other && other != desired && !known.Contains(other)
            ? $"the tag names {other.Short} there, pushed in that region; waiting for that push's event"
            : null;
    }

    private static async Task<RegionHoldings> ReadHoldingsAsync(
        IRegionStore target,
        RepositoryName repository,
        IReadOnlyList<Descriptor> blobs,
        IReadOnlyList<Descriptor> manifests,
        IReadOnlyList<KeyValuePair<string, Digest>> tags,
        CancellationToken cancellationToken)
    {
        var present = new HashSet<Digest>();
        var layers = new HashSet<Digest>();
        var linkedManifests = new HashSet<Digest>();
        var gate = new Lock();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(target.Capacity.Slots, HoldingsParallelism), CancellationToken = cancellationToken };
        HashSet<Digest> blobDigests = [.. blobs.Select(b => b.Digest)];
        HashSet<Digest> manifestDigests = [.. manifests.Select(m => m.Digest)];
        await Parallel.ForEachAsync(blobDigests.Union(manifestDigests), options, async (digest, ct) =>
        {
            bool isPresent = await target.StatBlobAsync(repository, digest, ct).ConfigureAwait(false) is not null;
            bool layerLinked = blobDigests.Contains(digest) && await target.HasLayerLinkAsync(repository, digest, ct).ConfigureAwait(false);
            bool manifestLinked = manifestDigests.Contains(digest) && await target.HasManifestLinkAsync(repository, digest, ct).ConfigureAwait(false);
            lock (gate)
            {
                if (isPresent)
                {
                    present.Add(digest);
                }

                if (layerLinked)
                {
                    layers.Add(digest);
                }

                if (manifestLinked)
                {
                    linkedManifests.Add(digest);
                }
            }
        }).ConfigureAwait(false);

        var current = new Dictionary<string, Digest>(StringComparer.Ordinal);
        foreach ((string tag, Digest _) in tags)
        {
            if (await target.ReadTagAsync(repository, Tag.Parse(tag), cancellationToken).ConfigureAwait(false) is Digest digest)
            {
                current[tag] = digest;
            }
        }

        return new RegionHoldings(present, layers, linkedManifests, current);
    }
}
