using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Matching.Tests.Api;

/// <summary>
/// The built API as a real child process on loopback, with real Kestrel, over a given SQLite file: what a
/// WebApplicationFactory cannot give, a process that can be SIGKILLed and started again.
/// </summary>
/// <remarks>Always dispose it: disposing kills the process tree if it still runs.</remarks>
internal sealed class ApiProcess : IDisposable
{
    public const string AdminKey = "process-test-admin-key-000000001";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private readonly IReadOnlyDictionary<string, string> _environment;

    private ApiProcess(string databaseFile, IReadOnlyDictionary<string, string>? environment)
    {
        DatabaseFile = databaseFile;
        _environment = environment ?? new Dictionary<string, string>();
    }

    public string DatabaseFile { get; }

    /// <summary>http://127.0.0.1:port/ of the running process.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Starts the API on a free loopback port and waits until /health/ready answers 200.</summary>
    /// <param name="databaseFile">The SQLite file.</param>
    /// <param name="environment">More settings as environment variables (<c>Section__Key</c>), over the defaults below.</param>
    public static async Task<ApiProcess> StartAsync(string databaseFile, IReadOnlyDictionary<string, string>? environment = null)
    {
        var api = new ApiProcess(databaseFile, environment);
        await api.StartAgainAsync();
        return api;
    }

    /// <summary>Starts a new process on the same database file (after <see cref="Kill"/>).</summary>
    public async Task StartAgainAsync()
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("The API process still runs.");
        // A port picked free can be taken before Kestrel binds it: try another, a few times.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            BaseAddress = new Uri($"http://127.0.0.1:{port}/");
            _process = Launch(BaseAddress);
            if (await WaitUntilReadyAsync()) return;
            Kill();
            if (attempt == 3) throw new InvalidOperationException($"The API did not get ready on {BaseAddress} within {ReadyTimeout.TotalSeconds} s. Its output:\n{Output()}");
        }
    }

    /// <summary>SIGKILL on Linux (no shutdown hooks, no flushing): the whole process tree, then wait for it to be gone.</summary>
    public void Kill()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM, as a container orchestrator stops a service: the host drains and stops on its own.</summary>
    public void Terminate()
    {
        if (_process is null || _process.HasExited) return;
        if (Kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>Waits for the process to end on its own; its exit code, or null if it still ran after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        if (_process is null) return null;
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>An HTTP client on the process with the admin key.</summary>
    public HttpClient Client(TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(15) };
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Output() => string.Join('\n', _output);

    public void Dispose() => Kill();

    private Process Launch(Uri address)
    {
        var dll = ApiDll();
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var arg in new[] { dll, "--contentRoot", Path.GetDirectoryName(dll)!, "--urls", address.ToString().TrimEnd('/') }) start.ArgumentList.Add(arg);
        // Nothing of the test host's own environment may leak into the service's configuration.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ConnectionStrings__Matching"] = $"Data Source={DatabaseFile}";
        start.Environment["Demo__Seed"] = "false";
        start.Environment["RateLimiting__PermitLimit"] = "1000000";
        start.Environment["RateLimiting__PermitsPerSecond"] = "1000000";
        start.Environment["Auth__ApiKeys__0__Name"] = "process-test";
        start.Environment["Auth__ApiKeys__0__Key"] = AdminKey;
        start.Environment["Auth__ApiKeys__0__Roles__0"] = "admin";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in _environment) start.Environment[key] = value;
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 200) _output.TryDequeue(out _);
    }

    private async Task<bool> WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < ReadyTimeout)
        {
            if (_process is null || _process.HasExited) return false;
            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        return false;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>
    /// Matching.Api/bin/&lt;Configuration&gt;/net10.0/Matching.Api.dll of this repository, in the configuration the tests
    /// were built in: the test folder holds a copy of the dll, but not the host's runtimeconfig and content.
    /// </summary>
    private static string ApiDll()
    {
        var testDirectory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        var framework = testDirectory.Name;
        var configuration = testDirectory.Parent?.Name ?? "Release";
        var root = testDirectory;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Matching.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException($"No Matching.sln above {testDirectory.FullName}.");
        var dll = Path.Combine(root.FullName, "Matching.Api", "bin", configuration, framework, "Matching.Api.dll");
        if (!File.Exists(dll) || !File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"{dll} and its runtimeconfig are missing: build the solution ({configuration}) first.");
        }
        return dll;
    }

    /// <summary>The dotnet host that runs these tests (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }
}
