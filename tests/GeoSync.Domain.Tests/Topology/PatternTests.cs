using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Tests.Topology;

public class PatternTests
{
    [Theory]
    [InlineData("**", "app", true)]
    [InlineData("**", "a/b/c", true)]
    [InlineData("*", "app", true)]
    [InlineData("*", "team/app", false)]
    [InlineData("team/*", "team/app", true)]
    [InlineData("team/*", "team/a/b", false)]
    [InlineData("team/*", "team", false)]
    [InlineData("team/**", "team/a/b", true)]
    [InlineData("team/**", "team", false)]
    [InlineData("team/**", "teams/app", false)]
    [InlineData("**/app", "app", true)]
    [InlineData("**/app", "x/y/app", true)]
    [InlineData("**/app", "x/myapp", false)]
    [InlineData("a/**/b", "a/b", true)]
    [InlineData("a/**/b", "a/x/y/b", true)]
    [InlineData("a/**/b", "a/x/y/c", false)]
    [InlineData("team-*/app", "team-eu/app", true)]
    [InlineData("team-*/app", "team/app", false)]
    [InlineData("v1.0/app", "v1x0/app", false)]   // '.' is literal, not a regex wildcard
    public void RepositoryGlob_IsMatch(string pattern, string repository, bool matches)
    {
        Assert.Equal(matches, RepositoryGlob.Parse(pattern).IsMatch(repository));
    }

    [Theory]
    [InlineData("", "glob is empty")]
    [InlineData("/team", "empty path component")]
    [InlineData("team/", "empty path component")]
    [InlineData("a//b", "empty path component")]
    [InlineData("a**", "'**' must be a whole path component")]
    [InlineData("***", "'**' must be a whole path component")]
    [InlineData("**/**", "repeats '**'")]
    [InlineData("Team", "contains 'T'")]
    [InlineData("team/?pp", "contains '?'")]
    [InlineData("team\\app", "contains '\\'")]
    public void RepositoryGlob_Bad_SaysWhy(string pattern, string reason)
    {
        Assert.False(RepositoryGlob.TryParse(pattern, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => RepositoryGlob.Parse(pattern));
    }

    [Theory]
    [InlineData("v\\d+", "v12", true)]
    [InlineData("v\\d+", "v12-rc", false)]
    [InlineData("v\\d+", "av12", false)]
    [InlineData("latest|stable", "stable", true)]     // alternation is grouped before anchoring
    [InlineData("latest|stable", "latest-1", false)]
    [InlineData(".*", "anything", true)]
    public void TagPattern_MatchesWholeTag(string pattern, string tag, bool matches)
    {
        Assert.Equal(matches, TagPattern.Parse(pattern).IsMatch(tag));
    }

    [Theory]
    [InlineData("", "tag pattern is empty")]
    [InlineData("v(", "is not a valid regular expression")]
    [InlineData("[a-", "is not a valid regular expression")]
    [InlineData("(a)\\1", "non-backtracking engine does not support")]
    [InlineData("(?=v)v1", "non-backtracking engine does not support")]
    public void TagPattern_Bad_SaysWhy(string pattern, string reason)
    {
        Assert.False(TagPattern.TryParse(pattern, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("env:GEOSYNC_TOKEN", SecretSource.Environment, "GEOSYNC_TOKEN")]
    [InlineData("env:_x1", SecretSource.Environment, "_x1")]
    [InlineData("file:/run/secrets/token", SecretSource.File, "/run/secrets/token")]
    [InlineData("file:secrets/a b", SecretSource.File, "secrets/a b")]
    public void SecretReference_Parse_RoundTrips(string text, SecretSource source, string name)
    {
        SecretReference reference = SecretReference.Parse(text);

        Assert.Equal((source, name), (reference.Source, reference.Name));
        Assert.Equal(text, reference.ToString());
        Assert.Equal(reference, source == SecretSource.Environment ? SecretReference.Environment(name) : SecretReference.File(name));
    }

    [Theory]
    [InlineData("", "secret reference is empty")]
    [InlineData("env:", "environment variable name must match")]
    [InlineData("env:1ABC", "environment variable name must match")]
    [InlineData("env:A-B", "environment variable name must match")]
    [InlineData("file:", "file path is empty")]
    [InlineData("file: /x", "leading/trailing whitespace")]
    [InlineData("ENV:X", "inline secret")]
    [InlineData("hunter2", "inline secret")]
    [InlineData("vault:kv/x", "inline secret")]
    public void SecretReference_Bad_SaysWhyWithoutEchoingAnInlineValue(string text, string reason)
    {
        Assert.False(SecretReference.TryParse(text, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        if (reason == "inline secret")
        {
            Assert.DoesNotContain(text, error, StringComparison.Ordinal);
        }
    }
}
