using System.Net.Http.Headers;
using System.Text;

namespace GeoSync.Storage.Registry;

/// <summary>
/// A registry's <c>WWW-Authenticate</c> challenge: <c>Basic realm="..."</c>, or
/// <c>Bearer realm="https://auth/token",service="registry",scope="repository:team/app:pull,push"</c> (the token flow
/// of the distribution spec; quoted values may hold commas, and <c>scope</c> may list several scopes separated by spaces).
/// </summary>
internal sealed record RegistryChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");

    public string? Service => Parameters.GetValueOrDefault("service");

    /// <summary>The scopes the token must grant, in the order the registry named them.</summary>
    public IReadOnlyList<string> Scopes =>
        Parameters.TryGetValue("scope", out string? scope) ? scope.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];

    /// <summary>The first challenge GeoSync can answer (Bearer before Basic), or null.</summary>
    public static RegistryChallenge? From(HttpHeaderValueCollection<AuthenticationHeaderValue> headers)
    {
        RegistryChallenge[] challenges = [.. headers.Select(h => Parse(h.Scheme, h.Parameter))];
        return challenges.FirstOrDefault(c => c.IsBearer) ?? challenges.FirstOrDefault(c => c.IsBasic);
    }

    /// <summary>Reads <c>key=value</c> and <c>key="quoted, value"</c> pairs separated by commas.</summary>
    public static RegistryChallenge Parse(string scheme, string? parameters)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string text = parameters ?? string.Empty;
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            int keyStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',')
            {
                i++;
            }

            string key = text[keyStart..i].Trim();
            if (i >= text.Length || text[i] != '=')
            {
                continue;
            }

            i++;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i]);
                }

                i++;
            }
            else
            {
                for (; i < text.Length && text[i] != ','; i++)
                {
                    value.Append(text[i]);
                }
            }

            if (key.Length > 0)
            {
                values[key] = value.ToString().Trim();
            }
        }

        return new RegistryChallenge(scheme, values);
    }
}
