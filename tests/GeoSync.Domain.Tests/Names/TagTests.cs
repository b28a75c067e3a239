using GeoSync.Domain.Names;

namespace GeoSync.Domain.Tests.Names;

public sealed class TagTests
{
    public static TheoryData<string> Valid => new()
    {
        "latest",
        "v1.2.3",
        "V1.2.3-rc.1",
        "_private",
        "1",
        "sha256-3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d.sig",
        "a" + new string('-', 127),
        new string('x', 128),
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_ValidTag_KeepsIt(string value)
    {
        Assert.Equal(value, Tag.Parse(value).Value);
    }

    public static TheoryData<string?, string> Invalid => new()
    {
        { null, "tag is empty" },
        { "", "tag is empty" },
        { new string('x', 129), "129 characters long; the limit is 128" },
        { ".hidden", "must match" },
        { "-dash", "must match" },
        { "..", "must match" },
        { "v1/2", "must match" },
        { "v1\\2", "must match" },
        { "v1:2", "must match" },
        { "v1 2", "must match" },
        { "v1+build", "must match" },
        { "tåg", "must match" },
        { "v1\n", "must match" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_InvalidTag_ThrowsWithReason(string? value, string reason)
    {
        FormatException error = Assert.Throws<FormatException>(() => Tag.Parse(value!));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(Tag.TryParse(value, out _, out _));
    }
}
