using GeoSync.Domain.Text;

namespace GeoSync.Domain.Tests.Text;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("team/app", "team/app")]
    [InlineData("", "")]
    [InlineData("\0", "\\u0000")]
    [InlineData("v1\nWarning forged", "v1\\nWarning forged")]
    [InlineData("a\r\nb\tc", "a\\r\\nb\\tc")]
    [InlineData("\u001b[31mred\u001b[0m", "\\u001B[31mred\\u001B[0m")]
    [InlineData("\u007f\u0085", "\\u007F\\u0085")]
    [InlineData("\u202Eevil\u202C", "\\u202Eevil\\u202C")]
    [InlineData("\u2028\u2029", "\\u2028\\u2029")]
    [InlineData("\uFFFF", "\\uFFFF")]
    [InlineData("café 💥 日本", "café 💥 日本")]
    [InlineData("C:\\data\\n", "C:\\data\\n")]
    public void Escape_Value_ShowsControlAndNonPrintableCharactersEscaped(string value, string expected) =>
        Assert.Equal(expected, LogText.Escape(value));

    [Fact]
    public void Escape_LoneSurrogates_AreShownEscaped()
    {
        // Built in code: xunit would replace a lone surrogate in theory data.
        Assert.Equal("x\\uD800y", LogText.Escape("x" + '\uD800' + "y"));
        Assert.Equal("\\uDC00", LogText.Escape(new string('\uDC00', 1)));
        Assert.False(LogText.IsPrintable(new string('\uD83D', 1)));
    }

    [Fact]
    public void Escape_Null_IsNamed() => Assert.Equal("(null)", LogText.Escape(null));

    [Fact]
    public void Escape_PrintableValue_ReturnsTheSameInstance()
    {
        string value = "registry.example.com/team/app:v1";
        Assert.Same(value, LogText.Escape(value));
    }

    [Fact]
    public void Escape_LongValue_IsCutWithItsLengthNoted()
    {
        string escaped = LogText.Escape(new string('a', 5000));
        Assert.Equal(new string('a', LogText.MaxLength) + "…(5000 chars)", escaped);
    }

    [Fact]
    public void Escape_ValueOfExactlyMaxLength_IsNotCut()
    {
        string value = new('a', LogText.MaxLength);
        Assert.Same(value, LogText.Escape(value));
    }

    [Fact]
    public void Escape_CutAtASurrogatePair_KeepsThePairWhole()
    {
        string value = new string('a', LogText.MaxLength - 1) + "💥" + new string('b', 10);
        Assert.Equal(new string('a', LogText.MaxLength - 1) + "…(211 chars)", LogText.Escape(value));
    }

    [Fact]
    public void Escape_LongValueWithControlCharacters_EscapesTheShownPart()
    {
        string escaped = LogText.Escape(new string('\n', 300));
        Assert.Equal(string.Concat(Enumerable.Repeat("\\n", LogText.MaxLength)) + "…(300 chars)", escaped);
    }

    [Theory]
    [InlineData("plain", true)]
    [InlineData("💥", true)]
    [InlineData("a\nb", false)]
    public void IsPrintable_Value_TellsWhetherEscapingChangesIt(string value, bool printable) =>
        Assert.Equal(printable, LogText.IsPrintable(value));
}
