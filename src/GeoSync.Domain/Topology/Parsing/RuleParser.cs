using System.Text.Json;

namespace GeoSync.Domain.Topology.Parsing;

/// <summary>Reads one entry of <c>rules</c>, applying the rule defaults.</summary>
internal static class RuleParser
{
    public static Rule? Parse(TopologyReader reader, JsonElement element, string path, RegionNames regions, RuleDefaults defaults)
    {
        ObjectFields? rule = reader.Object(element, path, TopologyShapes.Rule);
        if (rule is null)
        {
            return null;
        }

        string? name = rule.String("name", required: true);
        if (name is not null && TopologyGrammar.CheckName("rule", name) is { } nameError)
        {
            reader.Error(rule.PathOf("name"), nameError);
        }

        IReadOnlyList<string>? sources = rule.Read("sources", regions.List, required: true);
        IReadOnlyList<string>? targets = rule.Read("targets", regions.List, required: true);
        if (sources is { Count: > 0 } && targets is { Count: > 0 } && sources.All(s => targets.All(t => t == s)))
        {
            reader.Error(rule.PathOf("targets"), $"the rule replicates nothing: its only target '{targets[0]}' is its source");
        }

        IReadOnlyList<RepositoryGlob> repositories = rule.List("repositories", reader.Glob, allowEmpty: false) ?? [RepositoryGlob.All];
        TagFilter tags = Tags(reader, rule.Object("tags", TopologyShapes.TagFilter));
        bool deletes = rule.Boolean("deletes") ?? defaults.Deletes;
        bool referrers = rule.Boolean("referrers") ?? defaults.Referrers;
        ReferrerGate? gate = rule.Read("requireReferrer", (e, p) => Gate(reader, e, p));
        if (gate is not null && !referrers)
        {
            reader.Error(rule.PathOf("requireReferrer"), "the gate waits for a referrer, but the rule does not replicate referrers (referrers: false)");
        }

        TimeSpan reconcileInterval = rule.Duration("reconcileInterval") ?? defaults.ReconcileInterval;
        return name is null || sources is null || targets is null
            ? null
            : new Rule(name, sources, targets, repositories, tags, deletes, referrers, gate, reconcileInterval);
    }

    private static TagFilter Tags(TopologyReader reader, ObjectFields? tags)
    {
        if (tags is null)
        {
            return TagFilter.All;
        }

        IReadOnlyList<TagPattern> include = tags.List("include", reader.TagPattern, allowEmpty: false) ?? TagFilter.All.Include;
        IReadOnlyList<TagPattern> exclude = tags.List("exclude", reader.TagPattern) ?? [];
        return new TagFilter(include, exclude);
    }

    private static ReferrerGate? Gate(TopologyReader reader, JsonElement element, string path)
    {
        ObjectFields? gate = reader.Object(element, path, TopologyShapes.ReferrerGate);
        string? artifactType = gate?.String("artifactType", required: true);
        if (artifactType is null)
        {
            return null;
        }

        if (TopologyGrammar.CheckMediaType(artifactType) is { } error)
        {
            reader.Error(gate!.PathOf("artifactType"), error);
            return null;
        }

        return new ReferrerGate(artifactType);
    }
}
