using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ClinicApi.Data;

namespace ClinicApi.IntegrationTests.Infrastructure;

/// <summary>The API as a real process (Kestrel on a free loopback port), in Development, on a test database.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly ProcessStartInfo _start;
    private Process _process;

    public ApiProcess(DatabaseProvider provider, string database, IDictionary<string, string>? settings = null)
    {
        Port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
        _start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ClinicApi.dll"), "--urls", BaseAddress.ToString()])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        _start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        _start.Environment["Database__Provider"] = provider.ToString();
        _start.Environment[provider == DatabaseProvider.Sqlite ? "Database__SqlitePath" : "Database__ConnectionString"] = database;
        _start.Environment["Logging__WriteToConsole"] = "false";
        _start.Environment["Security__PermitsPerMinute"] = "10000000";
        _start.Environment["Security__Burst"] = "10000000";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _start.Environment[key] = value;
        }

        _process = Launch();
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    private Process Launch()
    {
        var process = Process.Start(_start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits until /health/ready answers 200 (60 s at most).</summary>
    public async Task WaitReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "The API did not start within 60 s.");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flushing, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public void Restart() => _process = Launch();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
