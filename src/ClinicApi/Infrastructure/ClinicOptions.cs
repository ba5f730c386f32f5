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

    /// <summary>The clinic's wall-clock time of a UTC instant.</summary>
    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>
    /// The UTC instant of a local date and time. Null when that time does not exist locally (skipped by a
    /// daylight-saving change); an ambiguous time (repeated when clocks go back) is read as the first of the two.
    /// </summary>
    public DateTime? ToUtc(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            return null;
        }

        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
    }

    /// <summary>The UTC bounds of a range of local days, end exclusive.</summary>
    public (DateTime From, DateTime To) UtcRange(DateOnly fromDay, DateOnly toDayInclusive) =>
        (ToUtc(fromDay, TimeOnly.MinValue) ?? ToUtc(fromDay, new TimeOnly(1, 0))!.Value,
         ToUtc(toDayInclusive.AddDays(1), TimeOnly.MinValue) ?? ToUtc(toDayInclusive.AddDays(1), new TimeOnly(1, 0))!.Value);
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
