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
    private readonly TargetTagCheck _targetTag = new(time);

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
        string? unexplained = await _targetTag.UnexplainedAsync(work, repository, target, cancellationToken).ConfigureAwait(false);
        if (missing.Count == 0 && unexplained is null)
        {
            tags.Add(new(work.Key, root));
        }

        RegionHoldings holdings = await RegionHoldingsReader.ReadAsync(target, repository, blobs, manifests, tags, cancellationToken).ConfigureAwait(false);
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
}
