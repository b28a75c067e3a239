namespace GeoSync.Domain.Content.Manifests;

/// <summary>
/// A manifest document that GeoSync cannot accept: not JSON, a field missing or of the wrong type, a bad digest, a
/// negative size, Docker schema 1... <see cref="Field"/> is the JSON path of the culprit.
/// </summary>
public sealed class ManifestFormatException : FormatException
{
    /// <summary>Creates the error for <paramref name="field"/>.</summary>
    public ManifestFormatException(string field, string reason, Exception? innerException = null)
        : base($"manifest field '{field}': {reason}", innerException)
    {
        Field = field;
        Reason = reason;
    }

    /// <summary>The JSON path of the wrong field, e.g. <c>layers[2].digest</c>; <c>$</c> for the document as a whole.</summary>
    public string Field { get; }

    /// <summary>What is wrong with the field.</summary>
    public string Reason { get; }
}
