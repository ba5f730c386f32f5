using ClinicApi.Data;
using ClinicApi.Features.Evidence;
using ClinicApi.Features.Reports;
using ClinicApi.Features.Scheduling;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Demo;

/// <summary>
/// <c>dotnet run --project src/ClinicApi -- seed-demo</c>: a demo clinic in which every report has something
/// to show. Therapists with competencies and working hours; 72 patients spread over every arm, started over the
/// last 40 weeks; protocol sessions with realistic attendance (about 85% attended, some cancellations, some
/// no-shows); pain NRS and ODI at the protocol timepoints following the reference trajectories with noise; a
/// few patients off track (behind, or rebounding after treatment). Invented people only; a fixed random seed,
/// so the same clinic every time. Refuses to run twice.
/// </summary>
public static class DemoClinic
{
    public const string MrnPrefix = "DEMO-";

    /// <summary>Token subjects of the demo therapists: <c>POST /auth/dev-token {"role":"therapist","subject":...}</c>.</summary>
    public static readonly Guid[] TherapistUsers =
    [
        new("0193d000-0000-7000-8000-000000000001"), new("0193d000-0000-7000-8000-000000000002"),
        new("0193d000-0000-7000-8000-000000000003"), new("0193d000-0000-7000-8000-000000000004"),
    ];

    private static readonly string[] s_givenNames = ["Alex", "Sam", "Jo", "Robin", "Kim", "Charlie", "Morgan", "Taylor", "Jamie", "Ash", "Riley", "Drew"];
    private static readonly string[] s_familyNames = ["Archer", "Baker", "Carter", "Dyer", "Fisher", "Glover", "Harper", "Mason", "Porter", "Tanner", "Walker", "Weaver"];

    public static async Task<int> RunCommandAsync(IServiceProvider services)
    {
        await DatabaseMigrator.MigrateAsync(services, CancellationToken.None);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ClinicDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoClinic));
        if (await db.Patients.AnyAsync(p => p.MedicalRecordNumber.StartsWith(MrnPrefix)))
        {
            logger.LogWarning("The demo clinic is already seeded; nothing was added");
            return 0;
        }

        var (patients, sessions, measurements) = await SeedAsync(db, scope.ServiceProvider.GetRequiredService<ClinicClock>(),
            scope.ServiceProvider.GetRequiredService<EvidenceCatalogue>(), CancellationToken.None);
        logger.LogInformation("Seeded the demo clinic: {Patients} patients, {Sessions} sessions, {Measurements} measurements", patients, sessions, measurements);
        return 0;
    }

    public static async Task<(int Patients, int Sessions, int Measurements)> SeedAsync(
        ClinicDbContext db, ClinicClock clock, EvidenceCatalogue catalogue, CancellationToken ct)
    {
        var random = new Random(2026);
        var now = clock.UtcNow;
        var today = clock.Today;
        var arms = await db.Arms.AsNoTracking().Where(a => a.IsCatalogue).OrderBy(a => a.Code).ToListAsync(ct);

        Competency[][] competencies =
        [
            [Competency.ExerciseTherapy, Competency.CognitiveBehaviouralTherapy, Competency.PainEducation],
            [Competency.ExerciseTherapy, Competency.BehaviouralTherapy, Competency.PainEducation],
            [Competency.ExerciseTherapy, Competency.IndividualisedExercise, Competency.CognitiveBehaviouralTherapy],
            [Competency.ExerciseTherapy, Competency.IndividualisedExercise],
        ];
        var therapists = competencies.Select((held, i) =>
        {
            var therapist = new Therapist
            {
                GivenName = s_givenNames[i], FamilyName = "Demo-Therapist", RegistrationNumber = $"DEMO-PH-{i + 1}",
                UserId = TherapistUsers[i].ToString(), CreatedAt = now, UpdatedAt = now,
            };
            therapist.Competencies.AddRange(held.Select(c => new TherapistCompetency { TherapistId = therapist.Id, Competency = c }));
            return therapist;
        }).ToList();
        db.Therapists.AddRange(therapists);
        foreach (var therapist in therapists)
        {
            foreach (var day in new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday })
            {
                db.WorkingHours.Add(new WorkingHours { TherapistId = therapist.Id, Weekday = day, StartsAt = new TimeOnly(8, 0), EndsAt = new TimeOnly(17, 0) });
            }
        }

        var nrs = Instruments.Find(Instruments.PainNrs)!;
        var slotsUsed = therapists.ToDictionary(t => t.Id, _ => 0);
        var sessionCount = 0;
        var measurementCount = 0;
        const int patientCount = 72;
        for (var i = 0; i < patientCount; i++)
        {
            var arm = arms[i % arms.Count];
            var needed = arm.SessionKinds.Select(SessionKinds.RequiredCompetency).ToHashSet();
            var therapist = therapists.Where(t => needed.All(t.Holds)).OrderBy(_ => random.Next()).First();
            var patient = new Patient
            {
                MedicalRecordNumber = $"{MrnPrefix}{i + 1:0000}", GivenName = string.Empty, FamilyName = string.Empty,
                DateOfBirth = today.AddYears(-(22 + random.Next(30))).AddDays(-random.Next(365)), Sex = i % 2 == 0 ? Sex.Female : Sex.Male,
                PainOnsetDate = today.AddDays(-7 * (14 + random.Next(80))), ConsentToDeidentifiedReporting = i % 9 != 0,
                CreatedAt = now, UpdatedAt = now,
            };
            patient.Rename(s_givenNames[random.Next(s_givenNames.Length)], s_familyNames[random.Next(s_familyNames.Length)]);
            db.Patients.Add(patient);

            // Started 2 to 40 weeks ago, on a Monday.
            var start = today.AddDays(-7 * (2 + (i * 38 / patientCount)) - ((int)today.DayOfWeek + 6) % 7);
            var weeksIn = (today.DayNumber - start.DayNumber) / 7.0;
            var finished = weeksIn > arm.Weeks + 1;
            var episode = new Episode
            {
                PatientId = patient.Id, ArmId = arm.Id, PrimaryTherapistId = therapist.Id, StartDate = start, ReferralReason = "Demo referral: chronic low back pain",
                Status = finished ? EpisodeStatus.Completed : EpisodeStatus.Active, EndDate = finished ? start.AddDays(7 * arm.Weeks) : null,
                CreatedAt = now, UpdatedAt = now,
            };
            db.Episodes.Add(episode);

            // Protocol sessions on Monday and Thursday; each therapist's patients take the day's slots in turn, so
            // nobody is double booked (patients twelve apart started far more than six weeks apart).
            var slot = new TimeOnly(8, 0).AddMinutes(45 * (slotsUsed[therapist.Id]++ % 11));
            var kinds = arm.SessionKinds;
            var occurrence = 0;
            foreach (var date in SeriesPlan.Occurrences(start, [DayOfWeek.Monday, DayOfWeek.Thursday], arm.SessionsPerWeek * arm.Weeks))
            {
                if (clock.ToUtc(date, slot) is not { } startsAt)
                {
                    continue;
                }

                var roll = random.NextDouble();
                var past = startsAt < now;
                var status = !past ? SessionStatus.Booked : roll < 0.85 ? SessionStatus.Attended : roll < 0.93 ? SessionStatus.Cancelled : SessionStatus.NoShow;
                db.Sessions.Add(new Session
                {
                    PatientId = patient.Id, TherapistId = therapist.Id, EpisodeId = episode.Id, Kind = kinds[occurrence++ % kinds.Count],
                    StartsAt = startsAt, EndsAt = startsAt.AddMinutes(45), DurationMinutes = 45, Status = status,
                    CancelledBy = status == SessionStatus.Cancelled ? CancelledBy.Patient : null,
                    CancellationReason = status == SessionStatus.Cancelled ? "Demo: unwell" : null,
                    CancelledAt = status == SessionStatus.Cancelled ? startsAt.AddHours(-(roll < 0.89 ? 48 : 6)) : null,
                    LateCancellation = status == SessionStatus.Cancelled && roll >= 0.89,
                    CreatedAt = now, UpdatedAt = now,
                });
                sessionCount++;
            }

            // Outcomes at the protocol timepoints: the reference trajectory for the arm, with noise; every
            // eleventh patient rebounds after treatment and every thirteenth stays behind.
            var baseline = 4 + random.Next(5);
            var curve = ReferenceModel.For(arm, nrs, baseline, catalogue);
            var odiBaseline = 25 + random.Next(30);
            foreach (var week in new[] { 0.0, arm.Weeks, 10, 22, 26 })
            {
                var takenOn = start.AddDays((int)(week * 7) + random.Next(-2, 3));
                if (takenOn >= today || (week > 0 && random.NextDouble() < 0.1))
                {
                    continue;
                }

                var expected = curve.At(week)?.Expected ?? baseline * (week == 0 ? 1 : 0.65);
                var score = week == 0 ? baseline
                    : i % 13 == 5 ? baseline - 0.3
                    : i % 11 == 3 && week > arm.Weeks ? Math.Min(10, expected + 2.5 + week / 10)
                    : expected + (random.NextDouble() - 0.5) * 2;
                var takenAt = clock.ToUtc(takenOn, new TimeOnly(9, 30)) ?? takenOn.ToDateTime(new TimeOnly(10, 30), DateTimeKind.Utc);
                db.Measurements.Add(Measure(patient.Id, episode.Id, Instruments.PainNrs, takenAt, Math.Clamp(Math.Round(score), 0, 10), now));
                var odi = week == 0 ? odiBaseline : odiBaseline * (0.6 + random.NextDouble() * 0.3);
                db.Measurements.Add(Measure(patient.Id, episode.Id, Instruments.Odi, takenAt, Math.Round(odi, 1), now));
                measurementCount += 2;
            }

            if (i % 10 == 7)
            {
                db.AdverseEvents.Add(new AdverseEvent
                {
                    EpisodeId = episode.Id, PatientId = patient.Id, OccurredOn = start.AddDays(10), Severity = AdverseEventSeverity.Mild,
                    Relatedness = AdverseEventRelatedness.Probable, Code = AdverseEventCode.MuscleSoreness, RecordedBy = TherapistUsers[0].ToString(), CreatedAt = now,
                });
            }
        }

        await db.SaveChangesAsync(ct);
        return (patientCount, sessionCount, measurementCount);
    }

    private static Measurement Measure(Guid patientId, Guid episodeId, string instrument, DateTime takenAt, double score, DateTime now) => new()
    {
        PatientId = patientId, EpisodeId = episodeId, Instrument = instrument, TakenAt = takenAt, RecordedBy = "demo-seed", Score = score, CreatedAt = now,
    };
}
