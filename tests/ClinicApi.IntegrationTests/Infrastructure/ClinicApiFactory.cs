using System.Collections.Concurrent;
using ClinicApi.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClinicApi.IntegrationTests.Infrastructure;

/// <summary>The real API, in process, on the test's own database; its log lines are captured for assertions.</summary>
public sealed class ClinicApiFactory(DatabaseProvider provider, string connectionString, string environment = "Development")
    : WebApplicationFactory<Program>
{
    public ConcurrentQueue<string> Logs { get; } = new();

    public Action<IServiceCollection>? ConfigureTestServices { get; set; }

    public Dictionary<string, string?> Settings { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("Database:Provider", provider.ToString());
        builder.UseSetting(provider == DatabaseProvider.Sqlite ? "Database:SqlitePath" : "Database:ConnectionString", connectionString);
        // Tests read the log lines through CapturingLoggerProvider; the console stays quiet.
        builder.UseSetting("Logging:WriteToConsole", "false");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs));
            ConfigureTestServices?.Invoke(services);
        });
    }
}

/// <summary>Keeps every formatted log line, with its structured values, so tests can look for what must never be logged.</summary>
public sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Capturing(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : string.Empty;
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} | {values} | {exception}");
        }
    }
}
