using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using GeoSync.Testing.Registry;
using Xunit;

namespace GeoSync.Testing.Azurite;

/// <summary>
/// A real Azurite blob service on 127.0.0.1 and a free port, with its data in a temporary folder, serving several
/// storage accounts from one instance (<c>AZURITE_ACCOUNTS</c>): two regions are two accounts, because Azurite resolves
/// copy sources only within its own instance. Throws with Azurite's output when it cannot start; never skips.
/// Use as an xunit fixture (<see cref="IAsyncLifetime"/>) so one instance serves a whole test class or collection.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>Azurite's well-known development account, always served.</summary>
    public const string DevelopmentAccount = "devstoreaccount1";

    /// <summary>The development account's published key (not a secret).</summary>
    public const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly StringBuilder _output = new();
    private readonly TestDirectory _data = new("azurite");
    private Process? _process;

    /// <summary>An instance serving the development account plus <c>eu</c> and <c>us</c> (xunit fixtures need one public constructor).</summary>
    public AzuriteServer()
        : this(["eu", "us"])
    {
    }

    private AzuriteServer(IEnumerable<string> accounts)
    {
        _keys[DevelopmentAccount] = DevelopmentKey;
        foreach (string account in accounts)
        {
            _keys[account] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        }

        Port = FreePort.Next();
    }

    /// <summary>An instance (not started) serving the development account plus <paramref name="accounts"/>, each with a generated key.</summary>
    public static AzuriteServer WithAccounts(params string[] accounts) => new(accounts);

    /// <summary>The azurite-blob script: <c>$GEOSYNC_TOOLS_DIR/azurite/node_modules/.bin/azurite-blob</c>.</summary>
    public static string BinaryPath
    {
        get
        {
            string tools = Environment.GetEnvironmentVariable("GEOSYNC_TOOLS_DIR") is { Length: > 0 } dir
                ? dir
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "geosync", "tools");
            return Path.Combine(tools, "azurite", "node_modules", ".bin", "azurite-blob");
        }
    }

    /// <summary>The port the blob service listens on: a free one unless set.</summary>
    public int Port { get; init; }

    /// <summary>The accounts served, the development account first.</summary>
    public IReadOnlyCollection<string> Accounts => _keys.Keys;

    /// <summary>The blob endpoint of an account (path-style, as Azurite serves it).</summary>
    public Uri BlobEndpoint(string account) => new($"http://127.0.0.1:{Port}/{Known(account)}");

    /// <summary>The base64 shared key of an account.</summary>
    public string AccountKey(string account) => _keys[Known(account)];

    /// <summary>A connection string with the account's shared key.</summary>
    public string ConnectionString(string account) =>
        $"DefaultEndpointsProtocol=http;AccountName={Known(account)};AccountKey={_keys[account]};BlobEndpoint={BlobEndpoint(account)};";

    /// <summary>What Azurite printed so far (for failure messages).</summary>
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

    /// <summary>Starts Azurite and waits until it answers HTTP.</summary>
    public async Task InitializeAsync()
    {
        string binary = BinaryPath;
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed: '{binary}' does not exist. Run tests/infra/install.sh (or set GEOSYNC_TOOLS_DIR).");
        }

        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--location", _data.Path, "--disableTelemetry", "--skipApiVersionCheck", "--loose"])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AZURITE_ACCOUNTS"] = string.Join(';', _keys.Select(pair => $"{pair.Key}:{pair.Value}"));
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start '{binary}'");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"could not start Azurite '{binary}': {e.Message} (is node on PATH?)", e);
        }

        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilAnsweringAsync(binary).ConfigureAwait(false);
    }

    /// <summary>Stops Azurite and deletes its data.</summary>
    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            await ExternalProcess.StopAsync(process).ConfigureAwait(false);
            process.Dispose();
            _process = null;
        }

        _data.Dispose();
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    private async Task WaitUntilAnsweringAsync(string binary)
    {
        // Azurite answers an unsigned request with 403 once it is ready; any HTTP answer means it listens.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var probe = new Uri($"http://127.0.0.1:{Port}/{DevelopmentAccount}?comp=list");
        DateTime deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_process!.HasExited)
            {
                // The parameterless wait also drains the redirected output, so the message holds all of it.
                await _process.WaitForExitAsync().ConfigureAwait(false);
                throw new InvalidOperationException(
                    $"Azurite ('{binary}') exited with code {_process.ExitCode} before answering on port {Port}. Output:\n{Output}");
            }

            try
            {
                using HttpResponseMessage response = await http.GetAsync(probe).ConfigureAwait(false);
                if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while starting.
            }

            if (DateTime.UtcNow > deadline)
            {
                await DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException(
                    $"Azurite ('{binary}') did not answer on port {Port} within {StartTimeout.TotalSeconds:0} s. Output:\n{Output}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Keep the tail only: Azurite logs every request, and the output is for failure messages.
            if (_output.Length > 64 * 1024)
            {
                _output.Remove(0, _output.Length - 32 * 1024);
            }

            _output.AppendLine(line);
        }
    }

    private string Known(string account) =>
        _keys.ContainsKey(account)
            ? account
            : throw new ArgumentException($"Azurite serves no account '{account}'; it serves {string.Join(", ", _keys.Keys)}", nameof(account));
}
