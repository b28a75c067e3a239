using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using GeoSync.Domain.Names;

namespace GeoSync.Domain.Topology;

/// <summary>
/// A repository-name glob: <c>*</c> matches within one path component, <c>**</c> as a whole component matches any
/// number of components. <c>team/*</c> matches <c>team/app</c> but not <c>team/a/b</c>; <c>team/**</c> matches
/// both (but not <c>team</c> itself); <c>**/app</c> matches <c>app</c> and <c>x/y/app</c>; <c>**</c> matches every
/// repository. Literal characters are those of repository names (<c>a-z 0-9 . _ -</c>).
/// </summary>
public sealed class RepositoryGlob
{
    private readonly Regex regex;

    private RepositoryGlob(string pattern, Regex regex)
    {
        Pattern = pattern;
        this.regex = regex;
    }

    /// <summary>The glob matching every repository.</summary>
    public static RepositoryGlob All { get; } = Parse("**");

    /// <summary>The glob as written.</summary>
    public string Pattern { get; }

    /// <summary>Parses a glob; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static RepositoryGlob Parse(string pattern) =>
        TryParse(pattern, out RepositoryGlob? glob, out string? error) ? glob : throw new FormatException(error);

    /// <summary>Parses a glob, with the reason when it fails.</summary>
    public static bool TryParse([NotNullWhen(true)] string? pattern, [NotNullWhen(true)] out RepositoryGlob? glob, [NotNullWhen(false)] out string? error)
    {
        glob = null;
        if (string.IsNullOrEmpty(pattern))
        {
            error = "glob is empty";
            return false;
        }

        if (pattern.Length > RepositoryName.MaxLength)
        {
            // Nothing longer than a repository name is worth matching, and a long pattern's automaton outgrows the regex engine's limit.
            error = $"glob is {pattern.Length} characters long; repository names are at most {RepositoryName.MaxLength}";
            return false;
        }

        string[] components = pattern.Split('/');
        var regex = new StringBuilder("^");
        bool separatorEmitted = false;
        for (int i = 0; i < components.Length; i++)
        {
            string component = components[i];
            bool last = i == components.Length - 1;
            if (component.Length == 0)
            {
                error = $"glob '{pattern}' has an empty path component (leading, trailing or doubled '/')";
                return false;
            }

            if (component == "**")
            {
                if (i > 0 && components[i - 1] == "**")
                {
                    error = $"glob '{pattern}' repeats '**'; one '**' already matches any number of components";
                    return false;
                }

                if (last)
                {
                    regex.Append(i == 0 ? ".+" : "/.+");
                }
                else
                {
                    regex.Append(i == 0 ? string.Empty : "/").Append("(?:[^/]+/)*");
                    separatorEmitted = true;
                }

                continue;
            }

            if (component.Contains("**", StringComparison.Ordinal))
            {
                error = $"glob '{pattern}': '**' must be a whole path component";
                return false;
            }

            foreach (char c in component)
            {
                if (!(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' or '*'))
                {
                    error = $"glob '{pattern}' contains '{c}'; use lowercase letters, digits, '.', '_', '-', '*' and '/'";
                    return false;
                }
            }

            if (i > 0 && !separatorEmitted)
            {
                regex.Append('/');
            }

            separatorEmitted = false;
            regex.Append(component == "*" ? "[^/]+" : Regex.Escape(component).Replace(@"\*", "[^/]*", StringComparison.Ordinal));
        }

        regex.Append('$');
        glob = new RepositoryGlob(pattern, new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking));
        error = null;
        return true;
    }

    /// <summary>True when <paramref name="repository"/> matches the glob.</summary>
    public bool IsMatch(string repository) => regex.IsMatch(repository);

    /// <inheritdoc />
    public override string ToString() => Pattern;
}
