using GeoSync.Domain.Text;

namespace GeoSync.Domain.Tests.Text;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("10m", 600_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("7d", 604_800_000)]
    [InlineData("00:00:05", 5_000)]
    [InlineData("00:00:00.1", 100)]
    [InlineData("1.00:00:00", 86_400_000)]
    public void TryParse_UnitOrClockForm_ReadsTheDuration(string text, double milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out TimeSpan value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("10 minutes")]
    [InlineData("5 s")]
    [InlineData("5S")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("")]
    [InlineData("999999999d")]
    public void TryParse_BareNumberOrUnknownForm_IsRefused(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }
}
