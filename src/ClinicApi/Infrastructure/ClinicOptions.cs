namespace ClinicApi.Infrastructure;

/// <summary>Clinic-wide settings (section <c>Clinic</c>).</summary>
public sealed class ClinicOptions
{
    public const string Section = "Clinic";

    /// <summary>IANA time zone of the clinic, used wherever local dates and times matter.</summary>
    public string TimeZone { get; set; } = "Europe/London";
}

/// <summary>The clinic's time zone, resolved once from <see cref="ClinicOptions"/>.</summary>
public sealed class ClinicClock(TimeProvider time, TimeZoneInfo zone)
{
    public TimeZoneInfo Zone { get; } = zone;

    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;

    /// <summary>Today's date on the clinic's wall calendar.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone).DateTime);
}

public static class ClinicOptionsSetup
{
    public static IServiceCollection AddClinicOptions(this IServiceCollection services)
    {
        services.AddOptions<ClinicOptions>()
            .BindConfiguration(ClinicOptions.Section)
            .Validate(o => TryFindZone(o.TimeZone, out _), "Clinic:TimeZone must be an IANA time zone id, e.g. Europe/London.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClinicOptions>>().Value;
            return TryFindZone(options.TimeZone, out var zone)
                ? new ClinicClock(sp.GetRequiredService<TimeProvider>(), zone)
                : throw new InvalidOperationException($"Unknown time zone '{options.TimeZone}' in Clinic:TimeZone.");
        });
        return services;
    }

    private static bool TryFindZone(string id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }
}
