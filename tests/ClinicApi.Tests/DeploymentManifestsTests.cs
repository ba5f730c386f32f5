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

    [Fact]
    public void The_image_is_multi_stage_non_root_with_a_health_check_on_the_apps_port()
    {
        var lines = File.ReadAllLines(Path.Combine(s_deploy, "Dockerfile"));
        Assert.Equal(2, lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.Contains("USER app", lines);
        Assert.Contains($"EXPOSE {Port}", lines);
        Assert.Contains(lines, l => l.Contains($"ASPNETCORE_URLS=http://+:{Port}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal) && l.Contains($":{Port}{HealthEndpoints.LivePath}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Database__MigrateOnStartup=false", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Password", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Compose_runs_the_migration_to_completion_before_the_api()
    {
        var services = Map(Yaml(Path.Combine(s_deploy, "compose.yaml")), "services");
        var (db, migrate, api) = (services["db"], services["migrate"], services["api"]);
        Assert.Equal(["migrate"], List(migrate, "command").Cast<string>());
        Assert.Equal("service_healthy", Str(migrate, "depends_on", "db", "condition"));
        Assert.Equal("service_completed_successfully", Str(api, "depends_on", "migrate", "condition"));
        Assert.Equal(Str(migrate, "image"), Str(api, "image"));
        Assert.Equal([$"{Port}:{Port}"], List(api, "ports").Cast<string>());
        Assert.Equal("false", Str(api, "environment", "Database__MigrateOnStartup"));
        Assert.Contains(HealthEndpoints.LivePath, string.Join(' ', List(api, "healthcheck", "test").Cast<string>()));
        foreach (var service in new[] { migrate, api })
        {
            Assert.All(Map(service, "environment").Keys.Cast<string>(), name => Assert.Contains(name, s_settings));
        }

        // Secrets come from the environment of whoever starts it, never from the file.
        Assert.Contains("${POSTGRES_PASSWORD", Str(db, "environment", "POSTGRES_PASSWORD"), StringComparison.Ordinal);
        Assert.Contains("${POSTGRES_PASSWORD", Str(api, "environment", "Database__ConnectionString"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_deployment_probes_the_health_endpoints_and_runs_two_replicas_with_limits()
    {
        var manifests = K8s();
        var deployment = manifests["Deployment"];
        Assert.True(int.Parse(Str(deployment, "spec", "replicas"), System.Globalization.CultureInfo.InvariantCulture) >= 2);
        var pod = Map(deployment, "spec", "template", "spec");
        var container = (Dictionary<object, object>)Assert.Single(List(pod, "containers"));
        var port = (Dictionary<object, object>)Assert.Single(List(container, "ports"));
        Assert.Equal(Port.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)port["containerPort"]);
        Assert.Equal(HealthEndpoints.ReadyPath, Str(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal(HealthEndpoints.LivePath, Str(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal((string)port["name"], Str(container, "readinessProbe", "httpGet", "port"));
        Assert.Equal((string)port["name"], Str(container, "livenessProbe", "httpGet", "port"));
        foreach (var kind in new[] { "requests", "limits" })
        {
            Assert.True(Map(container, "resources", kind).ContainsKey("cpu") && Map(container, "resources", kind).ContainsKey("memory"), $"resources.{kind}");
        }

        Assert.Equal("true", Str(pod, "securityContext", "runAsNonRoot"));
        var labels = Map(deployment, "spec", "template", "metadata", "labels");
        Assert.Equal(labels, Map(deployment, "spec", "selector", "matchLabels"));
        Assert.All(Map(manifests["Service"], "spec", "selector"), l => Assert.Equal(l.Value, labels[l.Key]));
        Assert.Equal(Port.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)((Dictionary<object, object>)List(manifests["Service"], "spec", "ports")[0])["targetPort"]);
        Assert.All(Map(manifests["PodDisruptionBudget"], "spec", "selector", "matchLabels"), l => Assert.Equal(l.Value, labels[l.Key]));
        var hpa = manifests["HorizontalPodAutoscaler"];
        Assert.Equal((Str(deployment, "metadata", "name"), "Deployment"), (Str(hpa, "spec", "scaleTargetRef", "name"), Str(hpa, "spec", "scaleTargetRef", "kind")));
        Assert.True(int.Parse(Str(hpa, "spec", "minReplicas"), System.Globalization.CultureInfo.InvariantCulture) >= 2);
    }

    [Fact]
    public void The_migration_job_uses_the_same_image_and_settings_and_secrets_are_referenced_not_inlined()
    {
        var manifests = K8s();
        var api = (Dictionary<object, object>)List(manifests["Deployment"], "spec", "template", "spec", "containers")[0];
        var job = (Dictionary<object, object>)List(manifests["Job"], "spec", "template", "spec", "containers")[0];
        Assert.Equal((string)api["image"], (string)job["image"]);
        Assert.Equal(["migrate"], ((List<object>)job["args"]).Cast<string>());
        Assert.Equal("Never", Str(manifests["Job"], "spec", "template", "spec", "restartPolicy"));
        var config = Map(manifests["ConfigMap"], "data");
        Assert.All(config.Keys.Cast<string>(), name => Assert.Contains(name, s_settings));
        Assert.Equal("false", (string)config["Database__MigrateOnStartup"]);
        Assert.DoesNotContain(config.Keys.Cast<string>(), name => name.Contains("ConnectionString", StringComparison.Ordinal) || name.Contains("Key", StringComparison.Ordinal));
        foreach (var container in new[] { api, job })
        {
            Assert.Equal(Str(manifests["ConfigMap"], "metadata", "name"), Str((Dictionary<object, object>)((List<object>)container["envFrom"])[0], "configMapRef", "name"));
            foreach (Dictionary<object, object> variable in (List<object>)container["env"])
            {
                Assert.Contains((string)variable["name"], s_settings);
                Assert.False(variable.ContainsKey("value"), $"{variable["name"]} is inlined; reference a secret.");
                Assert.Equal("clinicapi-secrets", Str(variable, "valueFrom", "secretKeyRef", "name"));
            }
        }

        // Without a database connection string the pods could not start: it must be provided, from the secret.
        Assert.Contains(((List<object>)api["env"]).Cast<Dictionary<object, object>>(), v => (string)v["name"] == "Database__ConnectionString");
    }
}
