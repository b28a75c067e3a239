namespace GeoSync.Domain.Topology;

/// <summary>
/// Resolves <see cref="SecretReference"/>s: <c>env:NAME</c> from the environment, <c>file:PATH</c> from a file (one
/// trailing newline dropped, as secret files written by <c>echo</c> or mounted by Kubernetes usually have one).
/// Relative file paths are relative to <c>baseDirectory</c> (the working directory by default). Failures name
/// the reference and the reason, never a value; an empty secret is a failure too.
/// </summary>
public sealed class SecretResolver
{
    private readonly string baseDirectory;
    private readonly Func<string, string?> environment;

    /// <param name="baseDirectory">Directory relative file references are resolved against; null = working directory.</param>
    /// <param name="environment">Reads an environment variable; null = the process environment.</param>
    public SecretResolver(string? baseDirectory = null, Func<string, string?>? environment = null)
    {
        this.baseDirectory = baseDirectory ?? Directory.GetCurrentDirectory();
        this.environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>The secret's value; throws <see cref="SecretResolutionException"/> when it cannot be read.</summary>
    public string Resolve(SecretReference reference) => reference.Source switch
    {
        SecretSource.Environment => FromEnvironment(reference),
        SecretSource.File => FromFile(reference, ReadFile(reference)),
        _ => throw new SecretResolutionException(reference, $"unknown secret source {reference.Source}"),
    };

    /// <summary>The secret's value, reading files asynchronously.</summary>
    public async Task<string> ResolveAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        if (reference.Source != SecretSource.File)
        {
            return Resolve(reference);
        }

        string text;
        try
        {
            text = await File.ReadAllTextAsync(FullPath(reference), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw Unreadable(reference, ex);
        }

        return FromFile(reference, text);
    }

    /// <summary>
    /// Resolves every secret <paramref name="topology"/> references and returns one problem per failure
    /// (<c>usage: message</c>); empty when all resolve. Values are discarded.
    /// </summary>
    public IReadOnlyList<string> Check(RegionTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var problems = new List<string>();
        foreach ((string usage, SecretReference reference) in topology.SecretReferences())
        {
            try
            {
                _ = Resolve(reference);
            }
            catch (SecretResolutionException ex)
            {
                problems.Add($"{usage}: {ex.Message}");
            }
        }

        return problems;
    }

    /// <summary>The full path a file reference points at.</summary>
    public string FullPath(SecretReference reference) => Path.GetFullPath(reference.Name, baseDirectory);

    private string FromEnvironment(SecretReference reference)
    {
        string? value = environment(reference.Name);
        return value switch
        {
            null => throw new SecretResolutionException(reference, $"environment variable {reference.Name} is not set"),
            "" => throw new SecretResolutionException(reference, $"environment variable {reference.Name} is empty"),
            _ => value,
        };
    }

    private string ReadFile(SecretReference reference)
    {
        try
        {
            return File.ReadAllText(FullPath(reference));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw Unreadable(reference, ex);
        }
    }

    private SecretResolutionException Unreadable(SecretReference reference, Exception ex)
    {
        string reason = ex switch
        {
            FileNotFoundException or DirectoryNotFoundException => "file not found",
            UnauthorizedAccessException => "permission denied",
            _ => ex.GetType().Name,
        };

        // The inner exception's message names only the path, which the reference already shows.
        return new SecretResolutionException(reference, $"cannot read {FullPath(reference)}: {reason}", ex);
    }

    private static string FromFile(SecretReference reference, string text)
    {
        string value = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        return value.Length == 0 ? throw new SecretResolutionException(reference, "the file is empty") : value;
    }
}
