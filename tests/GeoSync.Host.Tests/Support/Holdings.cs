using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Support;

/// <summary>What a region must (or must not) hold: a blob, a layer link, a manifest link, or a tag at a digest.</summary>
public abstract record Holding(string Region)
{
    public abstract Task<bool> IsHeldAsync(IRegionStore store);

    public sealed record Blob(string Region, Digest Digest) : Holding(Region)
    {
        public override async Task<bool> IsHeldAsync(IRegionStore store) => await store.StatBlobAsync(Digest) is not null;

        public override string ToString() => $"{Region}: blob {Digest.Short}";
    }

    public sealed record LayerLink(string Region, string Repository, Digest Digest) : Holding(Region)
    {
        public override Task<bool> IsHeldAsync(IRegionStore store) => store.HasLayerLinkAsync(RepositoryName.Parse(Repository), Digest);

        public override string ToString() => $"{Region}: {Repository} _layers {Digest.Short}";
    }

    public sealed record ManifestLink(string Region, string Repository, Digest Digest) : Holding(Region)
    {
        public override Task<bool> IsHeldAsync(IRegionStore store) => store.HasManifestLinkAsync(RepositoryName.Parse(Repository), Digest);

        public override string ToString() => $"{Region}: {Repository} _manifests {Digest.Short}";
    }

    public sealed record TagAt(string Region, string Repository, string Tag, Digest Digest) : Holding(Region)
    {
        public override async Task<bool> IsHeldAsync(IRegionStore store) =>
            await store.ReadTagAsync(RepositoryName.Parse(Repository), Domain.Names.Tag.Parse(Tag)) == Digest;

        public override string ToString() => $"{Region}: {Repository}:{Tag} -> {Digest.Short}";
    }

    public sealed record AnyTag(string Region, string Repository, string Tag) : Holding(Region)
    {
        public override async Task<bool> IsHeldAsync(IRegionStore store) =>
            await store.ReadTagAsync(RepositoryName.Parse(Repository), Domain.Names.Tag.Parse(Tag)) is not null;

        public override string ToString() => $"{Region}: {Repository}:{Tag} (any digest)";
    }

    /// <summary>Everything a complete image under a tag means in one region.</summary>
    public static IEnumerable<Holding> Image(string region, string repository, string tag, TestImage image) =>
        image.Blobs.Keys.Select(d => (Holding)new Blob(region, d))
            .Concat(image.Layers.Select(d => new LayerLink(region, repository, d)))
            .Concat(image.Manifests.Select(d => new ManifestLink(region, repository, d)))
            .Append(new TagAt(region, repository, tag, image.Root.Digest));

    /// <summary>The content of an image (blobs and links), without the tag.</summary>
    public static IEnumerable<Holding> Content(string region, string repository, TestImage image) =>
        Image(region, repository, "unused", image).Where(h => h is not TagAt);
}
