using GeoSync.Domain.Topology;
using GeoSync.Testing;

namespace GeoSync.Domain.Tests.Topology;

public sealed class SecretResolverTests : IDisposable
{
    private readonly TestDirectory directory = new("secrets");
    private readonly string variable = "GEOSYNC_TEST_SECRET_" + Guid.NewGuid().ToString("N");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(variable, null);
        directory.Dispose();
    }

    [Fact]
    public void Resolve_EnvironmentVariableSet_ReturnsItsValue()
    {
        Environment.SetEnvironmentVariable(variable, "from-the-environment");

        Assert.Equal("from-the-environment", new SecretResolver().Resolve(SecretReference.Environment(variable)));
    }

    [Theory]
    [InlineData(null, "is not set")]
    [InlineData("", "is empty")]
    public void Resolve_EnvironmentVariableMissing_NamesTheReference(string? value, string reason)
    {
        Environment.SetEnvironmentVariable(variable, value);

        var ex = Assert.Throws<SecretResolutionException>(() => new SecretResolver().Resolve(SecretReference.Environment(variable)));

        Assert.Equal($"secret env:{variable}: environment variable {variable} {reason}", ex.Message);
        Assert.Equal(SecretReference.Environment(variable), ex.Reference);
    }

    [Fact]
    public void Resolve_EnvironmentVariableEmpty_IsAnError()
    {
        var resolver = new SecretResolver(environment: _ => string.Empty);

        var ex = Assert.Throws<SecretResolutionException>(() => resolver.Resolve(SecretReference.Environment("EMPTY")));

        Assert.Contains("environment variable EMPTY is empty", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3cret\n", "s3cret")]
    [InlineData("s3cret\r\n", "s3cret")]
    [InlineData("s3cret", "s3cret")]
    [InlineData("two\nlines\n", "two\nlines")]   // only one trailing newline is dropped
    public async Task ResolveAsync_File_ReturnsContentWithoutTrailingNewline(string content, string expected)
    {
        await File.WriteAllTextAsync(directory.Combine("token"), content);
        var resolver = new SecretResolver(baseDirectory: directory.Path);

        Assert.Equal(expected, await resolver.ResolveAsync(SecretReference.File("token")));
        Assert.Equal(expected, resolver.Resolve(SecretReference.File(directory.Combine("token"))));
    }

    [Fact]
    public async Task ResolveAsync_FileMissing_NamesTheReferenceAndPath()
    {
        var resolver = new SecretResolver(baseDirectory: directory.Path);

        var ex = await Assert.ThrowsAsync<SecretResolutionException>(() => resolver.ResolveAsync(SecretReference.File("missing")));

        Assert.Equal($"secret file:missing: cannot read {directory.Combine("missing")}: file not found", ex.Message);
        Assert.Throws<SecretResolutionException>(() => resolver.Resolve(SecretReference.File("missing")));
    }

    [Fact]
    public void Resolve_FileEmpty_IsAnError()
    {
        File.WriteAllText(directory.Combine("empty"), "\n");

        var ex = Assert.Throws<SecretResolutionException>(() => new SecretResolver(directory.Path).Resolve(SecretReference.File("empty")));

        Assert.Equal("secret file:empty: the file is empty", ex.Message);
    }

    [Fact]
    public void Check_Topology_ListsEveryUnresolvableSecretWithoutValues()
    {
        File.WriteAllText(directory.Combine("hook"), "hook-value-123");
        Environment.SetEnvironmentVariable(variable, "token-value-456");
        RegionTopology topology = RegionTopology.Parse("t.json", $$"""
            { "version": 1,
              "engine": { "statusToken": "env:{{variable}}_MISSING" },
              "regions": [
                { "name": "a", "store": { "kind": "filesystem", "path": "a" }, "registry": { "notificationToken": "env:{{variable}}" },
                  "webhooks": [ { "name": "h", "url": "http://127.0.0.1:9/", "secrets": ["file:hook", "file:gone"] } ] },
                { "name": "b", "store": { "kind": "filesystem", "path": "b" } } ],
              "rules": [ { "name": "r", "sources": ["a"], "targets": ["b"] } ] }
            """);

        IReadOnlyList<string> problems = new SecretResolver(directory.Path).Check(topology);

        Assert.Equal(
            [
                $"engine statusToken: secret env:{variable}_MISSING: environment variable {variable}_MISSING is not set",
                $"webhook h secret: secret file:gone: cannot read {directory.Combine("gone")}: file not found",
            ],
            problems);
        Assert.DoesNotContain(problems, p => p.Contains("value-", StringComparison.Ordinal));
    }
}
