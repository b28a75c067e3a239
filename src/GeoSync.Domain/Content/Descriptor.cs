namespace GeoSync.Domain.Content;

/// <summary>A reference to content: media type, digest and size (OCI image spec, "Descriptors").</summary>
/// <param name="MediaType">The media type of the referenced content.</param>
/// <param name="Digest">The content address.</param>
/// <param name="Size">The size in bytes.</param>
public sealed record Descriptor(string MediaType, Digest Digest, long Size)
{
    /// <summary>The platform of an index entry, when given.</summary>
    public Platform? Platform { get; init; }

    /// <summary>The artifact type of a referrer, when given.</summary>
    public string? ArtifactType { get; init; }

    /// <summary>Annotations, when given.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

/// <summary>The platform an index entry runs on.</summary>
public sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    /// <summary>The conventional <c>os/arch[/variant]</c> form.</summary>
    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
