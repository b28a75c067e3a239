using System.Diagnostics;
using System.Text;
using GeoSync.Testing;
using GeoSync.Testing.Registry;

namespace GeoSync.Host.Tests.Support;

/// <summary>
/// <c>geosync serve</c> as a separate process, so a test can kill it with SIGKILL mid-work and start it again on the
/// same files, as a crash and a restart would.
/// </summary>
public sealed class EngineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private EngineProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<EngineProcess> StartAsync(string topologyPath, IReadOnlyDictionary<string, string> environment)
    {
        int port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(GeoSyncDll());
        foreach (string arg in new[] { "serve", "--topology", topologyPath, "--listen", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet geosync.dll");
        var engine = new EngineProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { BaseAddress = engine.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"geosync serve exited with {process.ExitCode}: {engine.Output}");
                    }

                    try
                    {
                        return (await http.GetAsync("readyz")).IsSuccessStatusCode;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        // Not listening yet, or busy starting: ask again.
                        return false;
                    }
                },
                // A silo joining a cluster on a busy shared machine can take a while.
                TimeSpan.FromSeconds(90),
                "geosync serve answers /readyz");
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }

        return engine;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public Task KillAsync() => ExternalProcess.StopAsync(_process);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string GeoSyncDll()
    {
        string local = Path.Combine(AppContext.BaseDirectory, "geosync.dll");
        return File.Exists(local) ? local : throw new FileNotFoundException("geosync.dll is not next to the tests", local);
    }
}
