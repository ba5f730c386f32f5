using System.Text.RegularExpressions;

namespace ClinicApi.Tests;

/// <summary>
/// The shape the code keeps (docs/adding-a-feature.md): data flows one way, migrations are frozen history, and
/// each area maps its routes in its own endpoints file. Read from the source tree, so a file that breaks the
/// shape fails here with its name.
/// </summary>
public sealed partial class CodeShapeTests
{
    private static readonly string s_source = Path.Combine(RepositoryRoot(), "src", "ClinicApi");

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ClinicApi.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ClinicApi.sln not found above the test assembly.");
    }

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(s_source, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string Relative(string file) => Path.GetRelativePath(s_source, file);

    [Fact]
    public void Data_references_no_feature()
    {
        var offenders = SourceFiles("Data").Where(f => File.ReadAllText(f).Contains("ClinicApi.Features", StringComparison.Ordinal)).Select(Relative);
        Assert.Empty(offenders);
    }

    [Fact]
    public void No_file_outside_the_migrations_reads_a_migration_class()
    {
        var offenders = SourceFiles(".")
            .Where(f => !Relative(f).StartsWith(Path.Combine("Data", "Migrations"), StringComparison.Ordinal))
            .Where(f => MigrationReference().IsMatch(File.ReadAllText(f)))
            .Select(Relative);
        Assert.Empty(offenders);
    }

    [Fact]
    public void Migrations_spell_their_own_literals_and_read_no_shared_names()
    {
        var offenders = SourceFiles(Path.Combine("Data", "Migrations"))
            .Where(f => File.ReadAllText(f).Contains("SchemaNames.", StringComparison.Ordinal))
            .Select(Relative);
        Assert.Empty(offenders);
    }

    [Fact]
    public void Routes_are_mapped_only_in_the_endpoints_file_named_after_its_area()
    {
        var mapping = SourceFiles("Features").Where(f => RouteMapping().IsMatch(File.ReadAllText(f))).ToList();
        Assert.NotEmpty(mapping);
        var misplaced = mapping
            .Where(f => Path.GetFileName(f) != Path.GetFileName(Path.GetDirectoryName(f)) + "Endpoints.cs")
            .Select(Relative);
        Assert.Empty(misplaced);
    }

    [Fact]
    public void Every_area_with_routes_has_its_endpoints_file_with_its_map_method()
    {
        var missing = Directory.EnumerateDirectories(Path.Combine(s_source, "Features"))
            .Where(area => SourceFiles(area).Any(f => RouteMapping().IsMatch(File.ReadAllText(f))))
            .Where(area =>
            {
                var name = Path.GetFileName(area);
                var endpoints = Path.Combine(area, name + "Endpoints.cs");
                return !File.Exists(endpoints) || !File.ReadAllText(endpoints).Contains($" Map{name}(", StringComparison.Ordinal);
            })
            .Select(Relative);
        Assert.Empty(missing);
    }

    // Our migrations namespace, not EF's own (Microsoft.EntityFrameworkCore.Migrations.*).
    [GeneratedRegex(@"(?<![\w.])Migrations\.[A-Z]|ClinicApi\.Data\.Migrations\b")]
    private static partial Regex MigrationReference();

    [GeneratedRegex(@"\.Map(Get|Post|Put|Delete|Patch|Methods)\(")]
    private static partial Regex RouteMapping();
}
