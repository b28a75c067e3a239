using System.Diagnostics.CodeAnalysis;
using GeoSync.Domain.Names;

namespace GeoSync.Host.Cli;

/// <summary>Parses <c>REPOSITORY[:TAG]</c> arguments.</summary>
internal static class CliReference
{
    /// <summary>
    /// An optional <c>REPOSITORY[:TAG]</c> argument as (repository, tag), both null without one; null (the problem
    /// written to <paramref name="error"/>) when it does not parse.
    /// </summary>
    public static async Task<(string? Repository, string? Tag)?> ReadOptionalAsync(string? reference, TextWriter error)
    {
        if (reference is null)
        {
            return (null, null);
        }

        if (!TryParse(reference, requireTag: false, out RepositoryName name, out Tag? tag, out string? problem))
        {
            await error.WriteLineAsync($"reference '{reference}': {problem}").ConfigureAwait(false);
            return null;
        }

        return (name.Value, tag?.Value);
    }

    public static bool TryParse(string value, bool requireTag, out RepositoryName repository, out Tag? tag, [NotNullWhen(false)] out string? error)
    {
        tag = null;
        int colon = value.LastIndexOf(':');
        string name = colon < 0 ? value : value[..colon];
        if (!RepositoryName.TryParse(name, out repository, out error))
        {
            return false;
        }

        if (colon < 0)
        {
            error = requireTag ? "a tag is required (REPOSITORY:TAG)" : null;
            return !requireTag;
        }

        if (!Tag.TryParse(value[(colon + 1)..], out Tag parsed, out error))
        {
            return false;
        }

        tag = parsed;
        return true;
    }
}
