using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Replication;

/// <summary>
/// Replication cases as a table: each case pushes and deletes through real registry notifications against a real
/// engine (filesystem stores, SQLite), then lists the blobs, links and tags each region must and must not hold.
/// </summary>
public sealed class ReplicationTableTests
{
    private const string Sig = "application/vnd.dev.cosign.artifact.sig.v1+json";

    public sealed record Case(string Name, HarnessRule Rule, Func<EngineHarness, Task<Expectations>> Run)
    {
        public override string ToString() => Name;
    }

    public sealed record Expectations(IEnumerable<Holding> Must, IEnumerable<Holding> MustNot);

    public static TheoryData<string> Cases => new(AllCases.Select(c => c.Name));

    private static readonly Case[] AllCases =
    [
        new("single image reaches every region", new HarnessRule(), async h =>
        {
            TestImage image = TestImage.Single("app", TestImage.Layer("single-a", 4096), TestImage.Layer("single-b", 2048));
            await h.PushAsync("eu", "team/app", "v1", image);
            await h.WaitForAsync("team/app", "v1", "Synced");
            return new(h.RegionNames.SelectMany(r => Holding.Image(r, "team/app", "v1", image)), []);
        }),
        new("multi-arch index: children linked, then the index, then the tag", new HarnessRule(), async h =>
        {
            TestImage amd = TestImage.Single("amd", "amd64", TestImage.Layer("idx-base", 3000), TestImage.Layer("idx-amd", 1000));
            TestImage arm = TestImage.Single("arm", "arm64", TestImage.Layer("idx-base", 3000), TestImage.Layer("idx-arm", 1000));
            TestImage index = TestImage.Index(amd, arm);
            await h.PushAsync("us", "team/multi", "2.0", index);
            await h.WaitForAsync("team/multi", "2.0", "Synced");
            return new(h.RegionNames.SelectMany(r => Holding.Image(r, "team/multi", "2.0", index)), []);
        }),
        new("two repositories sharing layers: one blob, two links", new HarnessRule(), async h =>
        {
            byte[] shared = TestImage.Layer("shared-base", 8192);
            TestImage a = TestImage.Single("a", shared, TestImage.Layer("only-a", 100));
            TestImage b = TestImage.Single("b", shared, TestImage.Layer("only-b", 100));
            await h.PushAsync("eu", "team/a", "v1", a);
            await h.PushAsync("eu", "team/b", "v1", b);
            await h.WaitForAsync("team/a", "v1", "Synced");
            await h.WaitForAsync("team/b", "v1", "Synced");
            Digest sharedDigest = Digest.Compute(shared);
            Assert.All(new[] { "us", "ap" }, r => Assert.Equal(shared.Length, h.Store(r).BytesWritten[sharedDigest]));
            return new(h.RegionNames.SelectMany(r => Holding.Image(r, "team/a", "v1", a).Concat(Holding.Image(r, "team/b", "v1", b))), []);
        }),
        new("tag moved three times quickly, notifications shuffled: last push wins", new HarnessRule(), async h =>
        {
            DateTimeOffset t = DateTimeOffset.UtcNow;
            TestImage[] images = [.. Enumerable.Range(1, 3).Select(i => TestImage.Single($"move{i}", TestImage.Layer($"move-{i}", 1500)))];
            foreach (TestImage image in images)
            {
                await image.PushToAsync(h.Store("eu").Inner, "team/moving", null);
            }

            await images[2].PushToAsync(h.Store("eu").Inner, "team/moving", "latest");
            await h.NotifyPushAsync("eu", "team/moving", "latest", images[2], t.AddMilliseconds(300));
            await h.NotifyPushAsync("eu", "team/moving", "latest", images[0], t.AddMilliseconds(100));
            await h.NotifyPushAsync("eu", "team/moving", "latest", images[1], t.AddMilliseconds(200));
            await h.WaitForAsync("team/moving", "latest", "Synced", digest: images[2].Root.Digest);
            return new(
                h.RegionNames.SelectMany(r => Holding.Image(r, "team/moving", "latest", images[2])),
                new[] { "us", "ap" }.SelectMany(r => new Holding[] { new Holding.TagAt(r, "team/moving", "latest", images[0].Root.Digest), new Holding.TagAt(r, "team/moving", "latest", images[1].Root.Digest) }));
        }),
        new("delete by tag removes the tag, keeps the content for garbage collection", new HarnessRule { Deletes = true }, async h =>
        {
            TestImage image = TestImage.Single("del", TestImage.Layer("del-tag", 1200));
            await h.PushAsync("eu", "team/del", "old", image);
            await h.WaitForAsync("team/del", "old", "Synced");
            await h.Store("eu").Inner.DeleteTagAsync(RepositoryName.Parse("team/del"), Tag.Parse("old"));
            await h.SendAsync("eu", Envelopes.TagDelete("team/del", "old", DateTimeOffset.UtcNow));
            await h.WaitForAsync("team/del", "old", "Deleted", ["us", "ap"]);
            return new(
                new[] { "us", "ap" }.SelectMany(r => Holding.Content(r, "team/del", image)),
                h.RegionNames.Select(r => new Holding.AnyTag(r, "team/del", "old")));
        }),
        new("delete by digest removes the manifest link and the tags on it", new HarnessRule { Deletes = true }, async h =>
        {
            TestImage image = TestImage.Single("deld", TestImage.Layer("del-digest", 1200));
            await h.PushAsync("eu", "team/deld", "v1", image);
            await h.WaitForAsync("team/deld", "v1", "Synced");
            await h.Store("eu").Inner.DeleteTagAsync(RepositoryName.Parse("team/deld"), Tag.Parse("v1"));
            await h.Store("eu").Inner.DeleteManifestLinkAsync(RepositoryName.Parse("team/deld"), image.Root.Digest);
            await h.SendAsync("eu", Envelopes.ManifestDelete("team/deld", image.Root.Digest, DateTimeOffset.UtcNow));
            await h.WaitForAsync("team/deld", "v1", "Deleted", ["us", "ap"]);
            await Testing.Eventually.HoldsAsync(
                async () => !await h.Store("us").HasManifestLinkAsync(RepositoryName.Parse("team/deld"), image.Root.Digest)
                    && !await h.Store("ap").HasManifestLinkAsync(RepositoryName.Parse("team/deld"), image.Root.Digest),
                TimeSpan.FromSeconds(20),
                "manifest links removed in us and ap");
            return new(
                new[] { "us", "ap" }.Select(r => new Holding.Blob(r, image.Root.Digest)),
                h.RegionNames.SelectMany(r => new Holding[] { new Holding.ManifestLink(r, "team/deld", image.Root.Digest), new Holding.AnyTag(r, "team/deld", "v1") }));
        }),
        new("deletes stay local when the rule does not replicate them", new HarnessRule { Deletes = false }, async h =>
        {
            TestImage image = TestImage.Single("keep", TestImage.Layer("keep", 1200));
            await h.PushAsync("eu", "team/keep", "v1", image);
            await h.WaitForAsync("team/keep", "v1", "Synced");
            await h.Store("eu").Inner.DeleteTagAsync(RepositoryName.Parse("team/keep"), Tag.Parse("v1"));
            await h.SendAsync("eu", Envelopes.TagDelete("team/keep", "v1", DateTimeOffset.UtcNow));
            await h.WaitForAsync("team/keep", "v1", "Deleted", ["eu"]);
            return new(new[] { "us", "ap" }.SelectMany(r => Holding.Image(r, "team/keep", "v1", image)), [new Holding.AnyTag("eu", "team/keep", "v1")]);
        }),
        new("a referrer follows its subject", new HarnessRule(), async h =>
        {
            TestImage image = TestImage.Single("signed", TestImage.Layer("signed", 1000));
            TestImage signature = TestImage.Referrer(image, Sig, "signature-bytes");
            await signature.PushToAsync(h.Store("eu").Inner, "team/signed", null);
            await h.PushAsync("eu", "team/signed", "v1", image);
            await h.WaitForAsync("team/signed", "v1", "Synced");
            return new(h.RegionNames.SelectMany(r => Holding.Image(r, "team/signed", "v1", image).Concat(Holding.Content(r, "team/signed", signature))), []);
        }),
        new("a referrer pushed after its subject still follows", new HarnessRule(), async h =>
        {
            TestImage image = TestImage.Single("late", TestImage.Layer("late-signed", 1000));
            await h.PushAsync("eu", "team/late", "v1", image);
            await h.WaitForAsync("team/late", "v1", "Synced");
            TestImage sbom = TestImage.Referrer(image, "application/spdx+json", "{\"spdxVersion\":\"SPDX-2.3\"}");
            await sbom.PushToAsync(h.Store("eu").Inner, "team/late", null);
            await h.SendAsync("eu", Envelopes.UntaggedPush("team/late", sbom.Root, DateTimeOffset.UtcNow));
            await Testing.Eventually.HoldsAsync(
                async () => await h.Store("ap").HasManifestLinkAsync(RepositoryName.Parse("team/late"), sbom.Root.Digest)
                    && await h.Store("us").HasManifestLinkAsync(RepositoryName.Parse("team/late"), sbom.Root.Digest),
                TimeSpan.FromSeconds(20),
                "sbom linked in us and ap");
            return new(new[] { "us", "ap" }.SelectMany(r => Holding.Content(r, "team/late", sbom)), []);
        }),
        new("rule filters: repositories and tags outside the rule stay home", new HarnessRule { Repositories = ["prod/**"], ExcludeTags = ["^dev-.*"] }, async h =>
        {
            TestImage image = TestImage.Single("filtered", TestImage.Layer("filtered", 900));
            await h.PushAsync("eu", "prod/api", "v1", image);
            await h.PushAsync("eu", "prod/api", "dev-123", image);
            await h.PushAsync("eu", "scratch/tool", "v1", image);
            await h.WaitForAsync("prod/api", "v1", "Synced");
            await h.WaitForAsync("prod/api", "dev-123", "Synced", ["eu"]);
            await h.WaitForAsync("scratch/tool", "v1", "Synced", ["eu"]);
            return new(
                h.RegionNames.SelectMany(r => Holding.Image(r, "prod/api", "v1", image)),
                new[] { "us", "ap" }.SelectMany(r => new Holding[] { new Holding.AnyTag(r, "prod/api", "dev-123"), new Holding.AnyTag(r, "scratch/tool", "v1"), new Holding.ManifestLink(r, "scratch/tool", image.Root.Digest) }));
        }),
        new("a gate holds the tag until the required referrer arrives", new HarnessRule { RequireReferrer = Sig }, async h =>
        {
            TestImage image = TestImage.Single("gated", TestImage.Layer("gated", 1000));
            await h.PushAsync("eu", "team/gated", "v1", image);
            await Testing.Eventually.HoldsAsync(
                async () => (await h.StatusAsync("team/gated")).Tags.SingleOrDefault()?.Regions is { Count: 3 } regions && regions.All(r => r.State == "Pending" && r.LastError is not null),
                TimeSpan.FromSeconds(20),
                "every region, eu included, waits for the signature");
            Assert.Null(await h.Store("us").ReadTagAsync(RepositoryName.Parse("team/gated"), Tag.Parse("v1")));

            TestImage signature = TestImage.Referrer(image, Sig, "cosign-signature");
            await signature.PushToAsync(h.Store("eu").Inner, "team/gated", null);
            await h.SendAsync("eu", Envelopes.UntaggedPush("team/gated", signature.Root, DateTimeOffset.UtcNow));
            await h.WaitForAsync("team/gated", "v1", "Synced");
            return new(h.RegionNames.SelectMany(r => Holding.Image(r, "team/gated", "v1", image).Concat(Holding.Content(r, "team/gated", signature))), []);
        }),
        new("a cosign tag-scheme signature (an ordinary image config) opens the gate", new HarnessRule { RequireReferrer = Sig }, async h =>
        {
            TestImage image = TestImage.Single("cosigned", TestImage.Layer("cosigned", 1000));
            await h.PushAsync("eu", "team/cosigned", "v1", image);
            await Testing.Eventually.HoldsAsync(
                async () => (await h.StatusAsync("team/cosigned")).Tags.SingleOrDefault(t => t.Tag == "v1")?.Regions is { Count: 3 } regions && regions.All(r => r.State == "Pending" && r.LastError is not null),
                TimeSpan.FromSeconds(20),
                "every region, eu included, waits for the signature");

            // What cosign writes: a plain image manifest (OCI image config, no artifactType, no subject) under sha256-<hex>.sig.
            string sigTag = Referrers.TagFor(image.Root.Digest, Referrers.SignatureSuffix).Value;
            TestImage signature = TestImage.Single("cosign-sig", TestImage.Layer("cosign-sig-payload", 300));
            await h.PushAsync("eu", "team/cosigned", sigTag, signature);
            await h.WaitForAsync("team/cosigned", "v1", "Synced");
            return new(h.RegionNames.SelectMany(r => Holding.Image(r, "team/cosigned", "v1", image).Concat(Holding.Image(r, "team/cosigned", sigTag, signature))), []);
        }),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Replicate_Case_RegionsHoldExactlyWhatTheyShould(string name)
    {
        Case testCase = AllCases.Single(c => c.Name == name);
        await using EngineHarness harness = await EngineHarness.StartAsync(rule: testCase.Rule);
        Expectations expected = await testCase.Run(harness);

        var missing = new List<string>();
        foreach (Holding holding in expected.Must)
        {
            if (!await holding.IsHeldAsync(harness.Store(holding.Region).Inner))
            {
                missing.Add(holding.ToString());
            }
        }

        var unexpected = new List<string>();
        foreach (Holding holding in expected.MustNot)
        {
            if (await holding.IsHeldAsync(harness.Store(holding.Region).Inner))
            {
                unexpected.Add(holding.ToString());
            }
        }

        Assert.True(missing.Count == 0, $"{name}: missing {string.Join("; ", missing)}");
        Assert.True(unexpected.Count == 0, $"{name}: unexpected {string.Join("; ", unexpected)}");
    }
}
