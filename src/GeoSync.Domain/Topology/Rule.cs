namespace GeoSync.Domain.Topology;

/// <summary>
/// A replication rule: images pushed in one of <see cref="Sources"/>, to a repository matching one of
/// <see cref="Repositories"/>, with a tag <see cref="Tags"/> accepts, replicate to every region in
/// <see cref="Targets"/> other than the source. <c>"*"</c> in the file expands to every region.
/// </summary>
/// <param name="Name">Unique across the topology.</param>
/// <param name="Sources">Source region names (expanded, file order of regions).</param>
/// <param name="Targets">Target region names (expanded, file order of regions).</param>
/// <param name="Repositories">Repository globs; the rule applies when one matches.</param>
/// <param name="Tags">Which tags replicate.</param>
/// <param name="Deletes">Whether deletes in the source are replicated.</param>
/// <param name="Referrers">Whether referrers (signatures, SBOMs, attestations) follow their subject.</param>
/// <param name="RequireReferrer">When set, a target is not announced (webhook) until a referrer of this type is there.</param>
/// <param name="ReconcileInterval">How often anti-entropy compares source and targets.</param>
public sealed record Rule(
    string Name,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> Targets,
    IReadOnlyList<RepositoryGlob> Repositories,
    TagFilter Tags,
    bool Deletes,
    bool Referrers,
    ReferrerGate? RequireReferrer,
    TimeSpan ReconcileInterval)
{
    /// <summary>True when the rule takes events from <paramref name="region"/>.</summary>
    public bool HasSource(string region) => Sources.Contains(region, StringComparer.Ordinal);

    /// <summary>True when the rule replicates into <paramref name="region"/>.</summary>
    public bool HasTarget(string region) => Targets.Contains(region, StringComparer.Ordinal);

    /// <summary>True when <paramref name="repository"/> matches one of the rule's globs.</summary>
    public bool MatchesRepository(string repository) => Repositories.Any(g => g.IsMatch(repository));

    /// <summary>True when the rule's tag filter accepts <paramref name="tag"/>.</summary>
    public bool MatchesTag(string tag) => Tags.IsMatch(tag);

    /// <summary>Targets for an event from <paramref name="sourceRegion"/>: <see cref="Targets"/> without the source.</summary>
    public IEnumerable<string> TargetsFrom(string sourceRegion) => Targets.Where(t => !string.Equals(t, sourceRegion, StringComparison.Ordinal));
}

/// <summary>Which tags a rule replicates: those matching an include pattern and no exclude pattern.</summary>
public sealed record TagFilter(IReadOnlyList<TagPattern> Include, IReadOnlyList<TagPattern> Exclude)
{
    /// <summary>Every tag.</summary>
    public static TagFilter All { get; } = new([TagPattern.All], []);

    /// <summary>True when <paramref name="tag"/> matches an include pattern and no exclude pattern.</summary>
    public bool IsMatch(string tag) => Include.Any(p => p.IsMatch(tag)) && !Exclude.Any(p => p.IsMatch(tag));
}

/// <summary>A deploy gate: the image counts as deployable in a region only once a referrer of <see cref="ArtifactType"/> is there too.</summary>
public sealed record ReferrerGate(string ArtifactType);

/// <summary>A region an image replicates to, and the rule that sent it there.</summary>
public sealed record ReplicationTarget(Region Region, Rule Rule);
