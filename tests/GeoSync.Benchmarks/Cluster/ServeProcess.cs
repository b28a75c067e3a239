using System.Diagnostics;
using GeoSync.Testing;

namespace GeoSync.Benchmarks.Cluster;

/// <summary>
/// One <c>geosync serve</c> process (the <c>geosync.dll</c> built beside this benchmark) on a loopback port. Its
/// output is read as it comes, so the node never blocks on a full pipe, and only the last lines are kept for errors.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private const int KeptLines = 30;
    private const int KeptErrors = 20;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly List<string> _firstErrors = [];

    private ServeProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>CPU time the node has used so far (user and system).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
        }
    }

    /// <summary>The node's last output lines.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    /// <summary>The first errors the node logged (<c>serve</c> logs one line per entry: <c>fail:</c> or <c>crit:</c>).</summary>
    public string FirstErrors
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _firstErrors);
            }
        }
    }

    /// <summary>Starts <c>geosync serve --topology</c> with <paramref name="environment"/> added and waits until it answers <c>/readyz</c>.</summary>
    public static async Task<ServeProcess> StartAsync(string topologyPath, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken = default)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "geosync.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("geosync.dll is not beside the benchmark (the project references src/GeoSync.Host)", dll);
        }

        int port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { dll, "serve", "--topology", topologyPath, "--listen", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        var node = new ServeProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet geosync.dll"), new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            await Eventually.HoldsAsync(() => node.ReadyAsync(http, cancellationToken), TimeSpan.FromSeconds(60), $"geosync serve ({topologyPath}) answers /readyz");
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task<bool> ReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"geosync serve exited with {_process.ExitCode}:\n{Tail}");
        }

        try
        {
            using HttpResponseMessage response = await http.GetAsync("readyz", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            // Not listening yet, or still joining the cluster: ask again.
            return false;
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            if (_firstErrors.Count < KeptErrors && (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)))
            {
                _firstErrors.Add(line.Length > 2000 ? line[..2000] : line);
            }

            _tail.Enqueue(line);
            if (_tail.Count > KeptLines)
            {
                _tail.Dequeue();
            }
        }
    }
}
