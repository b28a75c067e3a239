using System.Diagnostics.CodeAnalysis;

namespace GeoSync.Domain.Topology;

/// <summary>Where a secret's value lives.</summary>
public enum SecretSource
{
    /// <summary>An environment variable (<c>env:NAME</c>).</summary>
    Environment,

    /// <summary>A file whose content is the secret (<c>file:PATH</c>); a trailing newline is not part of it.</summary>
    File,
}

/// <summary>
/// A reference to a secret, <c>env:NAME</c> or <c>file:PATH</c>. Topology files hold references, never values, so a
/// topology can be committed, logged and shown. A reference holds no value, and <see cref="ToString"/> prints only
/// the reference; resolving it is I/O and happens outside the domain.
/// </summary>
public readonly record struct SecretReference
{
    /// <summary>The prefix of an environment-variable reference.</summary>
    public const string EnvironmentPrefix = "env:";

    /// <summary>The prefix of a file reference.</summary>
    public const string FilePrefix = "file:";

    private SecretReference(SecretSource source, string name)
    {
        Source = source;
        Name = name;
    }

    /// <summary>Where the value lives.</summary>
    public SecretSource Source { get; }

    /// <summary>The environment variable name, or the file path as written.</summary>
    public string Name { get; }

    /// <summary>A reference to the environment variable <paramref name="name"/>.</summary>
    public static SecretReference Environment(string name) => Parse(EnvironmentPrefix + name);

    /// <summary>A reference to the file at <paramref name="path"/>.</summary>
    public static SecretReference File(string path) => Parse(FilePrefix + path);

    /// <summary>Parses <c>env:NAME</c> or <c>file:PATH</c>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static SecretReference Parse(string value) =>
        TryParse(value, out SecretReference reference, out string? error) ? reference : throw new FormatException(error);

    /// <summary>
    /// Parses <c>env:NAME</c> or <c>file:PATH</c>, with the reason when it fails. Anything else is taken to be an
    /// inline secret, and the error deliberately does not repeat it.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out SecretReference reference, [NotNullWhen(false)] out string? error)
    {
        reference = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "secret reference is empty; write env:NAME or file:PATH";
            return false;
        }

        if (value.StartsWith(EnvironmentPrefix, StringComparison.Ordinal))
        {
            string name = value[EnvironmentPrefix.Length..];
            if (!IsEnvironmentVariableName(name))
            {
                error = $"secret reference '{value}': the environment variable name must match [A-Za-z_][A-Za-z0-9_]*";
                return false;
            }

            reference = new SecretReference(SecretSource.Environment, name);
            error = null;
            return true;
        }

        if (value.StartsWith(FilePrefix, StringComparison.Ordinal))
        {
            string path = value[FilePrefix.Length..];
            if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal) || path.Trim().Length != path.Length)
            {
                error = $"secret reference '{value}': the file path is empty or has leading/trailing whitespace";
                return false;
            }

            reference = new SecretReference(SecretSource.File, path);
            error = null;
            return true;
        }

        // Never echo the value: it is most likely the secret itself.
        error = "inline secret: a secret must be a reference, env:NAME or file:PATH, not the value itself";
        return false;
    }

    /// <summary>True when <paramref name="value"/> is written as a reference (it may still be malformed).</summary>
    public static bool LooksLikeReference(string? value) =>
        value is not null && (value.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) || value.StartsWith(FilePrefix, StringComparison.Ordinal));

    /// <summary>The reference as written, e.g. <c>env:GEOSYNC_EU_TOKEN</c>; never a value.</summary>
    public override string ToString() => Name is null ? string.Empty : (Source == SecretSource.Environment ? EnvironmentPrefix : FilePrefix) + Name;

    private static bool IsEnvironmentVariableName(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
