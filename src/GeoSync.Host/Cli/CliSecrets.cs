using GeoSync.Domain.Topology;

namespace GeoSync.Host.Cli;

/// <summary>Reports secrets a command cannot read, all in one error naming the topology file: <c>FILE: usage: secret REF: reason</c>.</summary>
internal static class CliSecrets
{
    /// <summary>Writes each problem on <paramref name="error"/>; true when there were none.</summary>
    public static async Task<bool> ReportAsync(RegionTopology topology, IReadOnlyList<string> problems, TextWriter error)
    {
        foreach (string problem in problems)
        {
            await error.WriteLineAsync($"{topology.File}: {TerminalText.Plain(problem)}").ConfigureAwait(false);
        }

        return problems.Count == 0;
    }

    /// <summary>The secret <paramref name="reference"/> used as <paramref name="usage"/>, or null with the problem added to <paramref name="problems"/>.</summary>
    public static string? TryResolve(SecretResolver secrets, string usage, SecretReference reference, List<string> problems)
    {
        try
        {
            return secrets.Resolve(reference);
        }
        catch (SecretResolutionException ex)
        {
            problems.Add($"{usage}: {ex.Message}");
            return null;
        }
    }
}
