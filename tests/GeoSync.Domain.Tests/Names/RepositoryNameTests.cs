using GeoSync.Domain.Names;

namespace GeoSync.Domain.Tests.Names;

public sealed class RepositoryNameTests
{
    public static TheoryData<string> Valid => new()
    {
        "app",
        "team/app",
        "library/hello-world",
        "a/b/c/d/e",
        "my.org/my_app",
        "a__b",
        "a---b",
        "0/1/2",
        "team/app.v2",
        new string('a', 255),
        string.Join("/", Enumerable.Repeat("abc", 63)) + "/ab",
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_ValidName_KeepsIt(string value)
    {
        Assert.Equal(value, RepositoryName.Parse(value).Value);
        Assert.Equal(value, RepositoryName.Parse(value).ToString());
    }

    public static TheoryData<string?, string> Invalid => new()
    {
        { null, "repository name is empty" },
        { "", "repository name is empty" },
        { "..", "path component 1 ('..')" },
        { "team/../etc", "path component 2 ('..')" },
        { "team/./app", "path component 2 ('.')" },
        { "/abs", "path component 1 is empty" },
        { "team/app/", "path component 3 is empty" },
        { "team//app", "path component 2 is empty" },
        { "a\\b", "path component 1 ('a\\b')" },
        { "team\\..\\app", "must match" },
        { "Team/app", "path component 1 ('Team')" },
        { "team/App", "path component 2 ('App')" },
        { new string('a', 256), "256 characters long; the limit is 255" },
        { "team/app:latest", "must match" },
        { "team/app@sha256", "must match" },
        { "-app", "must match" },
        { "app-", "must match" },
        { "a...b", "must match" },
        { "a___b", "must match" },
        { "team/ app", "must match" },
        { "team/app\n", "must match" },
        { "c:/windows", "must match" },
        { "tëam/app", "must match" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_InvalidName_ThrowsWithReason(string? value, string reason)
    {
        FormatException error = Assert.Throws<FormatException>(() => RepositoryName.Parse(value!));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(RepositoryName.TryParse(value, out _, out _));
    }
}
