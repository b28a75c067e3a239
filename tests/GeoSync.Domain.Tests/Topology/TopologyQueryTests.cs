using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Tests.Topology;

public class TopologyQueryTests
{
    private static readonly RegionTopology Sample = RegionTopology.Parse(SampleTopology.FileName, SampleTopology.Json);

    [Fact]
    public void Region_KnownName_ReturnsIt_UnknownThrowsNamingIt()
    {
        Assert.Equal("us-east", Sample.Region("us-east").Name);
        Assert.True(Sample.TryGetRegion("ap-south", out Region? region));
        Assert.Equal(7, region.Priority);
        Assert.False(Sample.TryGetRegion("mars", out _));
        var ex = Assert.Throws<KeyNotFoundException>(() => Sample.Region("mars"));
        Assert.Contains("'mars'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eu-west", "us-east", 10)]     // listed
    [InlineData("us-east", "eu-west", 10)]     // listed the other way: links work both ways
    [InlineData("us-east", "ap-south", 20)]    // one-way link, its direction
    [InlineData("ap-south", "us-east", 70)]    // one-way link, other direction: defaults.linkCost
    [InlineData("eu-west", "ap-south", 70)]    // unlisted pair
    [InlineData("eu-west", "eu-west", 0)]      // within a region
    public void LinkCost_Pair_IsLinkCostOrDefault(string from, string to, int cost)
    {
        Assert.Equal(cost, Sample.LinkCost(from, to));
    }

    [Theory]
    [InlineData("eu-west", "us-east", "0.02")]     // listed
    [InlineData("us-east", "eu-west", "0.02")]     // the other way: a two-way link prices both
    [InlineData("us-east", "ap-south", "0.085")]   // one-way link, its direction
    [InlineData("ap-south", "us-east", null)]      // one-way link, other direction: unpriced
    [InlineData("eu-west", "ap-south", null)]      // unlisted pair: unpriced (linkCost has a default, prices do not)
    [InlineData("eu-west", "eu-west", null)]       // within a region nothing crosses
    public void Prices_Pair_IsTheLinksPriceOrNone(string from, string to, string? price)
    {
        Assert.Equal("EUR", Sample.Prices.Currency);
        Assert.Equal(price is null ? null : decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), Sample.Prices.PricePerGiB(from, to));
    }

    [Fact]
    public void LinkCost_UnknownRegion_Throws()
    {
        Assert.Throws<KeyNotFoundException>(() => Sample.LinkCost("eu-west", "mars"));
    }

    [Theory]
    [InlineData("eu-west", "team/app", new[] { "releases", "everything" })]
    [InlineData("eu-west", "team/a/b", new[] { "everything" })]     // team/* is one component
    [InlineData("us-east", "team/app", new[] { "everything" })]     // releases only from eu-west
    [InlineData("mars", "team/app", new string[0])]
    public void RulesFor_SourceAndRepository_ReturnsMatchingRulesInFileOrder(string source, string repository, string[] rules)
    {
        Assert.Equal(rules, Sample.RulesFor(source, repository).Select(r => r.Name));
    }

    [Theory]
    [InlineData("eu-west", "team/app", "v1.2", "us-east:releases ap-south:releases spare:releases")]
    [InlineData("eu-west", "team/app", "v0.9", "us-east:everything ap-south:everything")]  // excluded by releases
    [InlineData("eu-west", "team/app", "latest", "us-east:everything ap-south:everything")] // not included by releases
    [InlineData("us-east", "team/app", "v1.2", "ap-south:everything")]                     // never back to the source
    [InlineData("ap-south", "other/x", "v1", "us-east:everything")]
    [InlineData("spare", "x", "v1", "us-east:everything ap-south:everything")]
    public void TargetsFor_Push_ReturnsEachTargetOnceWithTheFirstSelectingRule(string source, string repository, string tag, string expected)
    {
        string actual = string.Join(' ', Sample.TargetsFor(source, repository, tag).Select(t => $"{t.Region.Name}:{t.Rule.Name}"));

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("v1", true)]
    [InlineData("v1.2.3", true)]
    [InlineData("v0", false)]          // excluded
    [InlineData("v0.1", false)]        // excluded
    [InlineData("v10", true)]          // exclude v0(\..*)? is anchored: v10 is not v0
    [InlineData("xv1", false)]         // include is anchored at the start
    [InlineData("v1-rc", false)]       // and at the end
    [InlineData("latest", false)]
    public void MatchesTag_IncludeAndExclude_AreWholeTagRegexes(string tag, bool matches)
    {
        Assert.Equal(matches, Sample.Rules[0].MatchesTag(tag));
    }

    [Theory]
    [InlineData("team/app", "v2", true)]
    [InlineData("team/a/b/c", "v2", true)]
    [InlineData("team", "v2", false)]          // team/** is below team
    [InlineData("other/app", "v2", false)]
    [InlineData("team/app", "v2.1", false)]    // tag pattern v\d+ must match the whole tag
    [InlineData("team/app", null, false)]      // untagged: only webhooks without tag patterns
    public void WebhookMatches_RepositoryAndTag(string repository, string? tag, bool matches)
    {
        Assert.Equal(matches, Sample.Region("eu-west").Webhooks[0].Matches(repository, tag));
    }

    [Theory]
    [InlineData("anything/at/all", null, true)]
    [InlineData("x", "whatever", true)]
    public void WebhookMatches_NoFilters_MatchesEverything(string repository, string? tag, bool matches)
    {
        Assert.Equal(matches, Sample.Region("us-east").Webhooks[0].Matches(repository, tag));
        Assert.Equal(matches ? 1 : 0, Sample.Region("us-east").WebhooksFor(repository, tag).Count);
    }

    [Theory]
    [InlineData(null, false)]                          // no tag patterns: every image, but no referrer
    [InlineData(@"v\d+", false)]
    [InlineData(@"sha256-[a-f0-9]{64}\.sig", true)]   // a tag pattern written for signature tags
    [InlineData(".*", true)]                           // a pattern the operator wrote to match every tag
    public void MatchesReferrer_SignatureTag_OnlyWhenATagPatternOfTheWebhookMatchesIt(string? pattern, bool matches)
    {
        string sigTag = $"sha256-{new string('a', 64)}.sig";
        Webhook webhook = Sample.Region("us-east").Webhooks[0] with { Tags = pattern is null ? [] : [TagPattern.Parse(pattern)] };

        Assert.Equal(matches, webhook.MatchesReferrer("team/app", sigTag));
        Assert.Equal(matches ? 1 : 0, (Sample.Region("us-east") with { Webhooks = [webhook] }).WebhooksForReferrer("team/app", sigTag).Count);
    }

    [Fact]
    public void Rule_GateAndStarTargets_AreExposed()
    {
        Rule releases = Sample.Rules[0];

        Assert.Equal("application/vnd.dev.cosign.artifact.sig.v1+json", releases.RequireReferrer?.ArtifactType);
        Assert.Equal(["eu-west", "us-east", "ap-south", "spare"], releases.Targets);
        Assert.Equal(["us-east", "ap-south", "spare"], releases.TargetsFrom("eu-west"));
        Assert.Null(Sample.Rules[1].RequireReferrer);
    }

    [Fact]
    public void ToString_SummarisesTheTopology()
    {
        Assert.Equal("sample.json: 4 regions, 2 links, 2 rules, 2 webhooks, sqlite persistence", Sample.ToString());
    }
}
