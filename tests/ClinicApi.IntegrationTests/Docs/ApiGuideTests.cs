using System.Diagnostics;
using System.Text.RegularExpressions;
using ClinicApi.IntegrationTests.Infrastructure;
using ClinicApi.IntegrationTests.Platform;

namespace ClinicApi.IntegrationTests.Docs;

/// <summary>docs/api-guide.md is run: its bash blocks, in order, as one script against a real API process.</summary>
public sealed partial class ApiGuideTests : IAsyncLifetime
{
    private readonly SqliteDatabases _databases = new();
    private string _database = string.Empty;

    public async ValueTask InitializeAsync() => _database = await _databases.CreateMigratedAsync();

    public async ValueTask DisposeAsync() => await _databases.DropAsync(_database);

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlocks();

    [Fact]
    public async Task Every_curl_example_in_the_api_guide_works_as_written()
    {
        var guide = await File.ReadAllTextAsync(Path.Combine(EndpointInventoryTests.RepositoryRoot(), "docs", "api-guide.md"));
        var blocks = BashBlocks().Matches(guide).Select(m => m.Groups[1].Value).ToList();
        Assert.True(blocks.Count >= 6, $"Only {blocks.Count} bash blocks found.");
        var script = Path.Combine(Path.GetTempPath(), $"api-guide-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, "set -euo pipefail\n" + string.Join("\n", blocks));

        await using var api = new ApiProcess(ClinicApi.Data.DatabaseProvider.Sqlite, _database);
        await api.WaitReadyAsync();
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        start.Environment["API"] = api.BaseAddress.ToString().TrimEnd('/');
        using var run = Process.Start(start)!;
        var output = run.StandardOutput.ReadToEndAsync();
        var error = run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync();
        File.Delete(script);

        Assert.True(run.ExitCode == 0, $"The guide failed (exit {run.ExitCode}):\n{await output}\n{await error}");
        var printed = await output;
        Assert.Contains("published-trajectory", printed);
        Assert.Contains("row_type,arm,timepoint", printed);
        Assert.Contains("baseline", printed);
    }
}
