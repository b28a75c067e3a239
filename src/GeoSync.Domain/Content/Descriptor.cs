namespace GeoSync.Domain.Content;

/// <summary>
/// A reference to content: media type, digest and size (OCI image spec, "Descriptors"). Two descriptors are equal
/// when every field is, annotations and URLs compared by content.
/// </summary>
/// <param name="MediaType">The media type of the referenced content.</param>
/// <param name="Digest">The content address.</param>
/// <param name="Size">The size in bytes.</param>
public sealed record Descriptor(string MediaType, Digest Digest, long Size)
{
    /// <summary>
    /// The OCI empty JSON descriptor (<c>{}</c>, two bytes), the config of artifacts that have none
    /// (OCI image spec v1.1, "Guidance for an Empty Descriptor").
    /// </summary>
    public static Descriptor EmptyJson { get; } =
        new(MediaTypes.OciEmpty, Digest.Parse("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"), 2);

    /// <summary>The platform of an index entry, when given.</summary>
    public Platform? Platform { get; init; }

    /// <summary>The artifact type of a referrer, when given.</summary>
    public string? ArtifactType { get; init; }

    /// <summary>Annotations, when given.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>Locations the content may also be fetched from (foreign layers), when given.</summary>
    public IReadOnlyList<string>? Urls { get; init; }

    /// <inheritdoc />
    public bool Equals(Descriptor? other) =>
        other is not null
        && MediaType == other.MediaType && Digest == other.Digest && Size == other.Size
        && Platform == other.Platform && ArtifactType == other.ArtifactType
        && SameMap(Annotations, other.Annotations) && SameList(Urls, other.Urls);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(MediaType, Digest, Size);

    private static bool SameMap(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Count != b.Count)
        {
            return false;
        }

        foreach (KeyValuePair<string, string> entry in a)
        {
            if (!b.TryGetValue(entry.Key, out string? value) || value != entry.Value)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameList(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.SequenceEqual(b, StringComparer.Ordinal));
}

/// <summary>The platform an index entry runs on.</summary>
/// <param name="Os">The operating system, e.g. <c>linux</c>.</param>
/// <param name="Architecture">The CPU architecture, e.g. <c>amd64</c>.</param>
/// <param name="Variant">The CPU variant, e.g. <c>v8</c>, when given.</param>
public sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    /// <summary>The operating system version (<c>os.version</c>, used by Windows images), when given.</summary>
    public string? OsVersion { get; init; }

    /// <summary>The conventional <c>os/arch[/variant]</c> form.</summary>
    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
