using System.Globalization;
using System.Reflection;
using ClinicApi.Data;
using ClinicApi.Features.Health;
using ClinicApi.Features.Measurements;
using ClinicApi.Infrastructure;
using YamlDotNet.Serialization;

namespace ClinicApi.Tests;

/// <summary>
/// No container engine runs here, so the deployment files are checked as data: the Dockerfile, compose file and
/// Kubernetes manifests must agree with each other and with the app (port, health paths, setting names,
/// image, migration step, non-root user, secrets referenced not inlined).
/// </summary>
public sealed class DeploymentManifestsTests
{
    private const int Port = 8080;
    private static readonly string s_deploy = Path.Combine(RepositoryRoot(), "deploy");

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ClinicApi.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    /// <summary>Every setting the app reads, as environment variable names (Section__Key).</summary>
    private static readonly HashSet<string> s_settings = BuildSettings();

    private static HashSet<string> BuildSettings()
    {
        var sections = new (string Section, Type Options)[]
        {
            (DatabaseOptions.Section, typeof(DatabaseOptions)), (AuthOptions.Section, typeof(AuthOptions)), (ClinicOptions.Section, typeof(ClinicOptions)),
            (SecurityOptions.Section, typeof(SecurityOptions)), (OutcomesOptions.Section, typeof(OutcomesOptions)),
        };
        var names = sections.SelectMany(s => s.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
            .Select(p => $"{s.Section}__{p.Name}")).ToHashSet();
        names.UnionWith(["Logging__WriteToConsole", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT"]);
        return names;
    }

    private static Dictionary<object, object> Yaml(string path) =>
        new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(path));

    private static Dictionary<object, object> Map(object node, params string[] path)
    {
        foreach (var key in path)
        {
            node = ((Dictionary<object, object>)node)[key];
        }

        return (Dictionary<object, object>)node;
    }

    private static List<object> List(object node, params string[] path)
    {
        var parent = path.Length == 1 ? (Dictionary<object, object>)node : Map(node, path[..^1]);
        return (List<object>)parent[path[^1]];
    }

    private static string Str(object node, params string[] path) => (string)Map(node, path[..^1])[path[^1]];

    private static Dictionary<string, Dictionary<object, object>> K8s() =>
        Directory.GetFiles(Path.Combine(s_deploy, "k8s"), "*.yaml").Select(Yaml).ToDictionary(d => (string)d["kind"]);

    private static string[] Dockerfile() => File.ReadAllLines(Path.Combine(s_deploy, "Dockerfile"));

    private static Dictionary<object, object> ComposeServices() => Map(Yaml(Path.Combine(s_deploy, "compose.yaml")), "services");

    private static Dictionary<object, object> Container(Dictionary<string, Dictionary<object, object>> manifests, string kind) =>
        (Dictionary<object, object>)List(manifests[kind], "spec", "template", "spec", "containers")[0];

    private static Dictionary<object, object> PodLabels(Dictionary<string, Dictionary<object, object>> manifests) =>
        Map(manifests["Deployment"], "spec", "template", "metadata", "labels");

    private static string PortText => Port.ToString(CultureInfo.InvariantCulture);

    // ---- Container image ----

    [Fact]
    public void The_image_is_built_in_two_stages() =>
        Assert.Equal(2, Dockerfile().Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));

    [Fact]
    public void The_image_runs_as_a_non_root_user() => Assert.Contains("USER app", Dockerfile());

    [Fact]
    public void The_image_serves_on_the_apps_port()
    {
        var lines = Dockerfile();
        Assert.Contains($"EXPOSE {Port}", lines);
        Assert.Contains(lines, l => l.Contains($"ASPNETCORE_URLS=http://+:{Port}", StringComparison.Ordinal));
    }

    [Fact]
    public void The_images_health_check_probes_the_live_endpoint_on_the_apps_port() =>
        Assert.Contains(Dockerfile(), l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal) && l.Contains($":{Port}{HealthEndpoints.LivePath}", StringComparison.Ordinal));

    [Fact]
    public void The_image_leaves_migrations_to_their_own_step() =>
        Assert.Contains(Dockerfile(), l => l.Contains("Database__MigrateOnStartup=false", StringComparison.Ordinal));

    [Fact]
    public void The_image_holds_no_password() =>
        Assert.DoesNotContain(Dockerfile(), l => l.Contains("Password", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void The_images_are_build_arguments_defaulting_to_the_official_ones()
    {
        // CI gives local images (.ci/app-image.sh); everyone else gets Microsoft's .NET SDK and ASP.NET images.
        var lines = Dockerfile();
        Assert.Contains("ARG BUILD_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0", lines);
        Assert.Contains("ARG BASE_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0", lines);
        Assert.Equal(["FROM ${BUILD_IMAGE} AS build", "FROM ${BASE_IMAGE}"], lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_file_the_image_build_copies_is_in_the_repository()
    {
        var sources = Dockerfile().Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, source => Assert.True(
            File.Exists(Path.Combine(RepositoryRoot(), source)) || Directory.Exists(Path.Combine(RepositoryRoot(), source)), $"COPY {source}: not in the repository"));
    }

    // ---- Compose ----

    [Fact]
    public void Compose_migrates_once_the_database_is_healthy()
    {
        var migrate = ComposeServices()["migrate"];
        Assert.Equal(["migrate"], List(migrate, "command").Cast<string>());
        Assert.Equal("service_healthy", Str(migrate, "depends_on", "db", "condition"));
    }

    [Fact]
    public void Compose_starts_the_api_only_after_the_migration_completed() =>
        Assert.Equal("service_completed_successfully", Str(ComposeServices()["api"], "depends_on", "migrate", "condition"));

    [Fact]
    public void Compose_migrates_with_the_apis_image()
    {
        var services = ComposeServices();
        Assert.Equal(Str(services["migrate"], "image"), Str(services["api"], "image"));
    }

    [Fact]
    public void Compose_publishes_the_apps_port() =>
        Assert.Equal([$"{Port}:{Port}"], List(ComposeServices()["api"], "ports").Cast<string>());

    [Fact]
    public void Compose_api_does_not_migrate_on_startup() =>
        Assert.Equal("false", Str(ComposeServices()["api"], "environment", "Database__MigrateOnStartup"));

    [Fact]
    public void Compose_health_check_probes_the_live_endpoint() =>
        Assert.Contains(HealthEndpoints.LivePath, string.Join(' ', List(ComposeServices()["api"], "healthcheck", "test").Cast<string>()));

    [Theory]
    [InlineData("migrate")]
    [InlineData("api")]
    public void Compose_sets_only_settings_the_app_reads(string service) =>
        Assert.All(Map(ComposeServices()[service], "environment").Keys.Cast<string>(), name => Assert.Contains(name, s_settings));

    [Fact]
    public void Compose_takes_the_database_password_from_the_environment_of_whoever_starts_it()
    {
        // Secrets come from the environment of whoever starts it, never from the file.
        var services = ComposeServices();
        Assert.Contains("${POSTGRES_PASSWORD", Str(services["db"], "environment", "POSTGRES_PASSWORD"), StringComparison.Ordinal);
        Assert.Contains("${POSTGRES_PASSWORD", Str(services["api"], "environment", "Database__ConnectionString"), StringComparison.Ordinal);
    }

    // ---- Kubernetes ----

    [Fact]
    public void The_deployment_never_runs_fewer_than_two_replicas()
    {
        var manifests = K8s();
        Assert.True(int.Parse(Str(manifests["Deployment"], "spec", "replicas"), CultureInfo.InvariantCulture) >= 2);
        Assert.True(int.Parse(Str(manifests["HorizontalPodAutoscaler"], "spec", "minReplicas"), CultureInfo.InvariantCulture) >= 2);
    }

    [Fact]
    public void The_deployments_single_container_serves_on_the_apps_port()
    {
        var pod = Map(K8s()["Deployment"], "spec", "template", "spec");
        var container = (Dictionary<object, object>)Assert.Single(List(pod, "containers"));
        var port = (Dictionary<object, object>)Assert.Single(List(container, "ports"));
        Assert.Equal(PortText, (string)port["containerPort"]);
    }

    [Theory]
    [InlineData("readinessProbe", HealthEndpoints.ReadyPath)]
    [InlineData("livenessProbe", HealthEndpoints.LivePath)]
    public void Each_probe_calls_its_health_endpoint_on_the_named_port(string probe, string path)
    {
        var container = Container(K8s(), "Deployment");
        var port = (Dictionary<object, object>)List(container, "ports")[0];
        Assert.Equal(path, Str(container, probe, "httpGet", "path"));
        Assert.Equal((string)port["name"], Str(container, probe, "httpGet", "port"));
    }

    [Theory]
    [InlineData("requests")]
    [InlineData("limits")]
    public void The_container_has_cpu_and_memory_resources(string kind)
    {
        var resources = Map(Container(K8s(), "Deployment"), "resources", kind);
        Assert.True(resources.ContainsKey("cpu") && resources.ContainsKey("memory"), $"resources.{kind}");
    }

    [Fact]
    public void The_pod_runs_as_non_root() =>
        Assert.Equal("true", Str(Map(K8s()["Deployment"], "spec", "template", "spec"), "securityContext", "runAsNonRoot"));

    [Fact]
    public void The_deployment_selects_its_own_pods()
    {
        var manifests = K8s();
        Assert.Equal(PodLabels(manifests), Map(manifests["Deployment"], "spec", "selector", "matchLabels"));
    }

    [Fact]
    public void The_service_routes_to_the_deployments_pods_on_the_apps_port()
    {
        var manifests = K8s();
        var labels = PodLabels(manifests);
        Assert.All(Map(manifests["Service"], "spec", "selector"), l => Assert.Equal(l.Value, labels[l.Key]));
        Assert.Equal(PortText, (string)((Dictionary<object, object>)List(manifests["Service"], "spec", "ports")[0])["targetPort"]);
    }

    [Fact]
    public void The_disruption_budget_covers_the_deployments_pods()
    {
        var manifests = K8s();
        var labels = PodLabels(manifests);
        Assert.All(Map(manifests["PodDisruptionBudget"], "spec", "selector", "matchLabels"), l => Assert.Equal(l.Value, labels[l.Key]));
    }

    [Fact]
    public void The_autoscaler_scales_the_deployment()
    {
        var manifests = K8s();
        var hpa = manifests["HorizontalPodAutoscaler"];
        Assert.Equal((Str(manifests["Deployment"], "metadata", "name"), "Deployment"), (Str(hpa, "spec", "scaleTargetRef", "name"), Str(hpa, "spec", "scaleTargetRef", "kind")));
    }

    [Fact]
    public void The_migration_job_uses_the_apis_image()
    {
        var manifests = K8s();
        Assert.Equal((string)Container(manifests, "Deployment")["image"], (string)Container(manifests, "Job")["image"]);
    }

    [Fact]
    public void The_migration_job_migrates_once_without_restarting()
    {
        var manifests = K8s();
        Assert.Equal(["migrate"], ((List<object>)Container(manifests, "Job")["args"]).Cast<string>());
        Assert.Equal("Never", Str(manifests["Job"], "spec", "template", "spec", "restartPolicy"));
    }

    [Fact]
    public void The_config_map_sets_only_settings_the_app_reads() =>
        Assert.All(Map(K8s()["ConfigMap"], "data").Keys.Cast<string>(), name => Assert.Contains(name, s_settings));

    [Fact]
    public void The_config_map_leaves_migrations_to_the_job() =>
        Assert.Equal("false", (string)Map(K8s()["ConfigMap"], "data")["Database__MigrateOnStartup"]);

    [Fact]
    public void The_config_map_holds_no_secret() =>
        Assert.DoesNotContain(Map(K8s()["ConfigMap"], "data").Keys.Cast<string>(),
            name => name.Contains("ConnectionString", StringComparison.Ordinal) || name.Contains("Key", StringComparison.Ordinal));

    [Theory]
    [InlineData("Deployment")]
    [InlineData("Job")]
    public void Api_and_migration_job_take_their_settings_from_the_config_map(string kind)
    {
        var manifests = K8s();
        Assert.Equal(Str(manifests["ConfigMap"], "metadata", "name"),
            Str((Dictionary<object, object>)((List<object>)Container(manifests, kind)["envFrom"])[0], "configMapRef", "name"));
    }

    [Theory]
    [InlineData("Deployment")]
    [InlineData("Job")]
    public void Environment_variables_are_settings_the_app_reads(string kind)
    {
        foreach (Dictionary<object, object> variable in (List<object>)Container(K8s(), kind)["env"])
        {
            Assert.Contains((string)variable["name"], s_settings);
        }
    }

    [Theory]
    [InlineData("Deployment")]
    [InlineData("Job")]
    public void Environment_variables_reference_the_secret_and_are_never_inlined(string kind)
    {
        foreach (Dictionary<object, object> variable in (List<object>)Container(K8s(), kind)["env"])
        {
            Assert.False(variable.ContainsKey("value"), $"{variable["name"]} is inlined; reference a secret.");
            Assert.Equal("clinicapi-secrets", Str(variable, "valueFrom", "secretKeyRef", "name"));
        }
    }

    [Fact]
    public void The_api_gets_its_database_connection_string_from_the_secret()
    {
        // Without a database connection string the pods could not start: it must be provided, from the secret.
        Assert.Contains(((List<object>)Container(K8s(), "Deployment")["env"]).Cast<Dictionary<object, object>>(), v => (string)v["name"] == "Database__ConnectionString");
    }
}
