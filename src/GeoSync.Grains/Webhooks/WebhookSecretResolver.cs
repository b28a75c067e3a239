namespace GeoSync.Grains.Webhooks;

/// <summary>
/// Resolves a secret reference (<c>env:NAME</c>, <c>file:PATH</c>) to its value. Throws
/// <see cref="WebhookSecretException"/>, naming the reference and never a value, when it cannot.
/// </summary>
public delegate ValueTask<string> WebhookSecretResolver(string reference, CancellationToken cancellationToken);

/// <summary>A secret reference could not be resolved. The message names the reference, never a value.</summary>
public sealed class WebhookSecretException(string message) : Exception(message);

/// <summary>
/// The default resolver: environment variables and files. Read at every attempt, so a rotated secret (a new file,
/// a restarted process's environment) applies to deliveries already queued.
/// </summary>
public static class ReferenceSecrets
{
    /// <summary>Resolves <c>env:NAME</c> from the environment and <c>file:PATH</c> from the file (without its trailing newline).</summary>
    public static async ValueTask<string> ResolveAsync(string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.StartsWith("env:", StringComparison.Ordinal))
        {
            string name = reference[4..];
            string? value = Environment.GetEnvironmentVariable(name);
            return string.IsNullOrEmpty(value)
                ? throw new WebhookSecretException($"secret {reference}: environment variable {name} is not set")
                : value;
        }

        if (reference.StartsWith("file:", StringComparison.Ordinal))
        {
            string path = reference[5..];
            try
            {
                string value = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
                return value.Length == 0 ? throw new WebhookSecretException($"secret {reference}: the file is empty") : value;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new WebhookSecretException($"secret {reference}: cannot read the file ({e.GetType().Name})");
            }
        }

        // Not a reference: most likely a value pasted where a reference belongs. Do not repeat it.
        throw new WebhookSecretException("a webhook secret must be a reference, env:NAME or file:PATH (the value given is not shown)");
    }
}
