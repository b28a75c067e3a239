namespace GeoSync.Testing.Registry;

/// <summary>
/// Where a <see cref="RegistryServer"/> sends its notifications (<c>notifications.endpoints[]</c> in the registry's
/// configuration): the URL, headers sent with every request (e.g. <c>Authorization: Bearer …</c>), and the delivery knobs.
/// </summary>
public sealed record RegistryNotificationEndpoint(Uri Url)
{
    /// <summary>Headers sent with each notification.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the registry waits for the endpoint to answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Failures before the registry backs off.</summary>
    public int Threshold { get; init; } = 3;

    /// <summary>How long the registry backs off after <see cref="Threshold"/> failures.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Media types whose events the registry does not send (blob pushes are <c>application/octet-stream</c>).</summary>
    public IReadOnlyList<string> IgnoredMediaTypes { get; init; } = [];
}
