namespace ClinicApi.Infrastructure;

/// <summary>Clinic-wide settings (section <c>Clinic</c>).</summary>
public sealed class ClinicOptions
{
    public const string Section = "Clinic";

    /// <summary>IANA time zone of the clinic, used wherever local dates and times matter.</summary>
    public string TimeZone { get; set; } = "Europe/London";

    /// <summary>
    /// Development only: moves the clinic's clock by this much (e.g. <c>2.00:00:00</c>, <c>-01:30:00</c>), so a demo
    /// or a front-end test can record attendance of a session "after" its start without waiting. Refused at start-up
    /// in any other environment: a real clinic's records carry real times.
    /// </summary>
    public TimeSpan? ClockOffset { get; set; }
}

/// <summary>The clinic's time zone, resolved once from <see cref="ClinicOptions"/>.</summary>
public sealed class ClinicClock(TimeProvider time, TimeZoneInfo zone, TimeSpan offset = default)
{
    public TimeZoneInfo Zone { get; } = zone;

    public DateTime UtcNow => Now.UtcDateTime;

    /// <summary>Today's date on the clinic's wall calendar.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, Zone).DateTime);

    private DateTimeOffset Now => time.GetUtcNow() + offset;

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
    public static IServiceCollection AddClinicOptions(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddOptions<ClinicOptions>()
            .BindConfiguration(ClinicOptions.Section)
            .Validate(o => TryFindZone(o.TimeZone, out _), "Clinic:TimeZone must be an IANA time zone id, e.g. Europe/London.")
            .Validate(o => o.ClockOffset is null || environment.IsDevelopment(), "Clinic:ClockOffset is for Development only: remove it.")
            .Validate(o => o.ClockOffset is not { } d || d.Duration() <= TimeSpan.FromDays(3650), "Clinic:ClockOffset may move the clock by ten years at most.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClinicOptions>>().Value;
            return TryFindZone(options.TimeZone, out var zone)
                ? new ClinicClock(sp.GetRequiredService<TimeProvider>(), zone, options.ClockOffset ?? TimeSpan.Zero)
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
