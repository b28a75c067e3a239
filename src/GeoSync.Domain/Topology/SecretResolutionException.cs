using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Topology;

/// <summary>A secret reference could not be resolved. The message names the reference, never a value.</summary>
public sealed class SecretResolutionException : Exception
{
    public SecretResolutionException(SecretReference reference, string reason, Exception? innerException = null)
        : base($"secret {reference}: {reason}", innerException)
    {
        Reference = reference;
    }

    /// <summary>The reference that failed.</summary>
    public SecretReference Reference { get; }
}
