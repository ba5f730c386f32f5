using ClinicApi.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClinicApi.IntegrationTests.Infrastructure;

/// <summary>A clock a test sets and moves, so rules about the past, "today" and daylight saving are tested on fixed dates.</summary>
public sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    private long _ticks = now.UtcTicks;

    public DateTimeOffset Now
    {
        get => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _ticks, value.UtcTicks);
    }

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now = Now + by;

    /// <summary>Makes the factory's clinic clock read this clock (the time zone stays the configured one).</summary>
    public void Install(ClinicApiFactory factory, string timeZone = "Europe/London")
    {
        factory.Settings["Clinic:TimeZone"] = timeZone;
        factory.ConfigureTestServices += services =>
            services.Replace(ServiceDescriptor.Singleton(new ClinicClock(this, TimeZoneInfo.FindSystemTimeZoneById(timeZone))));
    }
}
