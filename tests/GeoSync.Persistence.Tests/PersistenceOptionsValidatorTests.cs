using Microsoft.Extensions.Options;

namespace GeoSync.Persistence.Tests;

public sealed class PersistenceOptionsValidatorTests
{
    public static TheoryData<string, PersistenceOptions, string> InvalidOptions => new()
    {
        { "unknown provider", new() { Provider = "mysql" }, "Persistence:Provider: 'mysql' is not supported" },
        { "empty connection string", new() { ConnectionString = " " }, "Persistence:ConnectionString: is empty" },
        { "sqlite without file", new() { ConnectionString = "Cache=Shared" }, "Persistence:ConnectionString: has no Data Source" },
        { "sqlite in memory", new() { ConnectionString = "Data Source=:memory:" }, "Persistence:ConnectionString: an in-memory database" },
        { "sqlite read-only", new() { ConnectionString = "Data Source=x.db;Mode=ReadOnly" }, "Persistence:ConnectionString: Mode=ReadOnly" },
        { "sqlite bad keyword", new() { ConnectionString = "Data Source=x.db;Colour=blue" }, "Persistence:ConnectionString: is not a valid SQLite connection string" },
        { "postgres without host", new() { Provider = "postgres", ConnectionString = "Database=geosync" }, "Persistence:ConnectionString: has no Host" },
        { "postgres bad keyword", new() { Provider = "postgres", ConnectionString = "Host=db;Colour=blue" }, "Persistence:ConnectionString: is not a valid PostgreSQL connection string" },
        { "batch size zero", new() { MaxBatchSize = 0 }, "Persistence:MaxBatchSize: 0 is out of range" },
        { "negative busy timeout", new() { BusyTimeout = TimeSpan.FromSeconds(-1) }, "Persistence:BusyTimeout:" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validate_InvalidOptions_FailsNamingTheField(string name, PersistenceOptions options, string expected)
    {
        ValidateOptionsResult result = new PersistenceOptionsValidator().Validate(null, options);

        Assert.True(result.Failed, name);
        Assert.Contains(result.Failures!, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sqlite", "Data Source=data/geosync.db")]
    [InlineData("SQLite", "Data Source=/var/lib/geosync/geosync.db;Cache=Shared")]
    [InlineData("postgres", "Host=db;Database=geosync;Username=geosync;Password=secret")]
    [InlineData("postgresql", "Host=db1,db2;Database=geosync")]
    public void Validate_ValidOptions_Succeeds(string provider, string connectionString)
    {
        ValidateOptionsResult result = new PersistenceOptionsValidator().Validate(null, new() { Provider = provider, ConnectionString = connectionString });

        Assert.True(result.Succeeded, string.Join("; ", result.Failures ?? []));
    }

    [Fact]
    public void Validate_PasswordInBadConnectionString_IsNotRepeatedInTheMessage()
    {
        var options = new PersistenceOptions { Provider = "postgres", ConnectionString = "Password=hunter2;Colour=blue" };

        ValidateOptionsResult result = new PersistenceOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.DoesNotContain("hunter2", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_InvalidOptions_ThrowsNamingTheFieldBeforeConnecting()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => GeoSyncDatabase.OpenAsync(new PersistenceOptions { Provider = "oracle" }));

        Assert.Contains("Persistence:Provider", e.Message, StringComparison.Ordinal);
    }
}
