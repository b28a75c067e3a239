namespace GeoSync.Persistence.Tests;

/// <summary>
/// Entry point of the test assembly when run as a child process (test runners do not call it): the crash test
/// starts <c>dotnet GeoSync.Persistence.Tests.dll append-until-killed DB</c>.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => args is ["append-until-killed", string path]
        ? CrashAppender.RunAsync(path)
        : Task.FromResult(2);
}
