namespace GeoSync.Domain.Topology;

/// <summary>A topology file is invalid. Carries every error found, not only the first.</summary>
public sealed class TopologyValidationException : Exception
{
    public TopologyValidationException(IReadOnlyList<TopologyError> errors)
        : base(Describe(errors)) => Errors = errors;

    /// <summary>Every error, in document order.</summary>
    public IReadOnlyList<TopologyError> Errors { get; }

    private static string Describe(IReadOnlyList<TopologyError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("a validation exception needs at least one error", nameof(errors));
        }

        string count = errors.Count == 1 ? "1 error" : $"{errors.Count} errors";
        return $"topology {errors[0].File} is invalid ({count}):{Environment.NewLine}" +
            string.Join(Environment.NewLine, errors.Select(e => "  " + e));
    }
}
