using GeoSync.Host.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace GeoSync.Host.Tests.Web;

public sealed class GeoSyncWebHostTests
{
    [Fact]
    public async Task Build_WatchesNoConfigurationFile()
    {
        // A reloading appsettings.json watches the working directory recursively: with a data directory below it,
        // every link a region store writes would become a file-change event for the host to process.
        await using EngineHarness harness = await EngineHarness.StartAsync();
        var configuration = (IConfigurationRoot)harness.App.Configuration;

        FileConfigurationProvider[] files = [.. configuration.Providers.OfType<FileConfigurationProvider>()];
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} reloads on change"));
    }
}
