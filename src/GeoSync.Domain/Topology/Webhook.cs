namespace GeoSync.Domain.Topology;

/// <summary>
/// A deploy webhook of one region: called (CloudEvents, Standard Webhooks signature) when the region holds a complete
/// image whose repository matches one of <see cref="Repositories"/> and whose tag matches one of <see cref="Tags"/>
/// (no tag patterns = every tag).
/// </summary>
/// <param name="Name">Unique across the topology.</param>
/// <param name="Url">Where deliveries are posted.</param>
/// <param name="Secrets">Signing secrets; more than one during a rotation (every one signs).</param>
/// <param name="Repositories">Repository globs; one must match.</param>
/// <param name="Tags">Whole-tag patterns; one must match (none = every tag).</param>
/// <param name="MaxAge">How long a delivery is retried before it is given up.</param>
/// <param name="Timeout">Time allowed for one attempt.</param>
/// <param name="Pull">The network the receiver pulls over: its payload then carries one <c>image</c> reference on that domain.</param>
public sealed record Webhook(
    string Name,
    Uri Url,
    IReadOnlyList<SecretReference> Secrets,
    IReadOnlyList<RepositoryGlob> Repositories,
    IReadOnlyList<TagPattern> Tags,
    TimeSpan MaxAge,
    TimeSpan Timeout,
    RegistryNetwork? Pull = null)
{
    /// <summary>
    /// True when the webhook wants events for <paramref name="repository"/> and <paramref name="tag"/>. An untagged
    /// event (<paramref name="tag"/> null) matches only a webhook without tag patterns.
    /// </summary>
    public bool Matches(string repository, string? tag) =>
        Repositories.Any(g => g.IsMatch(repository)) &&
        (Tags.Count == 0 || (tag is not null && Tags.Any(p => p.IsMatch(tag))));

    /// <summary>
    /// True when the webhook asks for a referrer (signature, attestation, SBOM) stored under <paramref name="tag"/>:
    /// only through a tag pattern that matches it. A webhook without tag patterns is told about deployable images only.
    /// </summary>
    public bool MatchesReferrer(string repository, string tag) => Tags.Count > 0 && Matches(repository, tag);
}
