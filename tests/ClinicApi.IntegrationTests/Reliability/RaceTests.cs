using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClinicApi.Data;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Episodes;
using ClinicApi.Features.Scheduling;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Reliability;

public sealed class RacesOnPostgres(PostgresServer server) : RaceTests(new PostgresDatabases(server));

public sealed class RacesOnSqlite() : RaceTests(new SqliteDatabases());

/// <summary>
/// Every write with a read-check-write shape, raced: many clients send the same change with the same ETag at
/// once. Exactly one wins; every other answer is 412 (or 409 where the loser finds the change already made);
/// never a 500, never two winners merged into one stored state. PostgreSQL is the provider where these races
/// are real (read committed, many connections); SQLite serialises writers and must give the same answers.
/// The clock is fixed at Monday 1 March 2027, 07:00 in London.
/// </summary>
public abstract class RaceTests(ITestDatabases databases) : ApiTest(databases)
{
    private const int Racers = 20;
    private static readonly DateTime s_monday = new(2027, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly TestClock _clock = new(new DateTimeOffset(s_monday.AddHours(7)));

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Factory.Settings["Security:PermitsPerMinute"] = "10000000";
        Factory.Settings["Security:Burst"] = "10000000";
        _clock.Install(Factory);
    }

    private async Task<Guid> TherapistWithHoursAsync()
    {
        var admin = Client(Roles.Admin);
        var therapist = await Clinic.CreateTherapistAsync(admin, "exercise-therapy", "cognitive-behavioural-therapy");
        await Clinic.SetWeekdayHoursAsync(admin, therapist.Id);
        return therapist.Id;
    }

    private async Task<(Guid PatientId, Guid EpisodeId)> EpisodeAsync(Guid therapistId, Guid? armId = null)
    {
        var admin = Client(Roles.Admin);
        var patient = await Clinic.RegisterPatientAsync(admin);
        var enrolled = await SendAsync(admin, HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id, armId = armId ?? ArmCatalogue.PhysiotherapyCbtId, primaryTherapistId = therapistId, startDate = "2027-03-01", referralReason = "GP referral",
        });
        Assert.True(enrolled.StatusCode == HttpStatusCode.Created, await enrolled.Content.ReadAsStringAsync());
        return (patient.Id, (await ReadAsync<EpisodeResponse>(enrolled)).Id);
    }

    /// <summary>Sends <paramref name="count"/> requests at once (released together) and returns every status with its body.</summary>
    private static async Task<List<(HttpStatusCode Status, string Body)>> RaceAsync(HttpClient client, int count, Func<int, HttpRequestMessage> request)
    {
        using var start = new SemaphoreSlim(0, count);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            var message = request(i);
            await start.WaitAsync();
            var response = await client.SendAsync(message);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }).ToList();
        start.Release(count);
        return [.. await Task.WhenAll(tasks)];
    }

    private static HttpRequestMessage Request(HttpMethod method, string url, object? body, string? ifMatch)
    {
        var message = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            message.Content = JsonContent.Create(body, options: Json);
        }

        if (ifMatch is not null)
        {
            message.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return message;
    }

    /// <summary>Exactly one 2xx; every loser 412 or 409 (or, after a delete, 404), with a problem body.</summary>
    private static void AssertOneWinner(List<(HttpStatusCode Status, string Body)> answers, string what, bool deletes = false)
    {
        var summary = string.Join(", ", answers.GroupBy(a => (int)a.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} x {g.Key}"));
        var unexpected = answers.FirstOrDefault(a => (int)a.Status is not (>= 200 and < 300) and not 409 and not 412 && !(deletes && a.Status == HttpStatusCode.NotFound));
        Assert.True(unexpected == default, $"{what}: {summary}; e.g. {unexpected.Body}");
        Assert.True(answers.Count(a => (int)a.Status is >= 200 and < 300) == 1, $"{what}: {summary}, expected exactly one winner");
    }

    [Fact]
    public async Task Concurrent_erasures_with_one_ETag_have_one_winner_and_the_rest_412()
    {
        var admin = Client(Roles.Admin);
        var patient = await Clinic.RegisterPatientAsync(admin);
        var etag = (await admin.GetAsync($"/patients/{patient.Id}")).Headers.ETag!.Tag;
        var answers = await RaceAsync(admin, Racers, _ => Request(HttpMethod.Post, $"/patients/{patient.Id}/erase", new { reason = "Data subject request" }, etag));
        AssertOneWinner(answers, "erase");
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.PreconditionFailed, a.Status));
    }

    [Fact]
    public async Task Concurrent_working_hours_replacements_with_one_ETag_have_one_winner_and_nothing_merged()
    {
        var therapistId = await TherapistWithHoursAsync();
        var admin = Client(Roles.Admin);
        var etag = (await admin.GetAsync($"/therapists/{therapistId}/working-hours")).Headers.ETag!.Tag;
        // Each writer's schedule is valid alone; any two merged overlap on Monday.
        var answers = await RaceAsync(admin, 30, i => Request(HttpMethod.Put, $"/therapists/{therapistId}/working-hours", new
        {
            ranges = new[]
            {
                new { weekday = "monday", startsAt = $"{8 + (i % 8):00}:00", endsAt = $"{9 + (i % 8):00}:30" },
                new { weekday = "tuesday", startsAt = $"{8 + (i % 8):00}:{i % 4 * 15:00}", endsAt = "18:00" },
            },
        }, etag));
        AssertOneWinner(answers, "working hours");
        var winner = JsonDocument.Parse(answers.Single(a => a.Status == HttpStatusCode.OK).Body).RootElement.GetProperty("ranges");
        var stored = await admin.GetFromJsonAsync<JsonElement>($"/therapists/{therapistId}/working-hours");
        Assert.Equal(winner.GetRawText(), stored.GetProperty("ranges").GetRawText());
        var slots = await admin.GetFromJsonAsync<List<FreeSlot>>($"/therapists/{therapistId}/free-slots?from=2027-03-08&to=2027-03-09&durationMinutes=30", Json);
        Assert.Equal(slots!.Count, slots.Select(s => s.StartsAt).Distinct().Count());
    }

    /// <summary>
    /// A series with skipConflicts and single bookings of other patients on two of its dates, at once, ten
    /// rounds: the series is always created; every slot ends up with exactly one session (the series' or the
    /// booking's), and what the series reports skipped is what the bookings took.
    /// </summary>
    [Fact]
    public async Task A_series_with_skipConflicts_racing_single_bookings_creates_the_free_dates_every_round()
    {
        for (var round = 0; round < 10; round++)
        {
            var therapistId = await TherapistWithHoursAsync();
            var (_, episodeId) = await EpisodeAsync(therapistId);
            var others = new List<(Guid PatientId, Guid EpisodeId)> { await EpisodeAsync(therapistId), await EpisodeAsync(therapistId) };
            // Monday and Thursday 09:00 London (UTC in March before the change) for two weeks from 8 March.
            var taken = new[] { new DateTime(2027, 3, 11, 9, 0, 0, DateTimeKind.Utc), new DateTime(2027, 3, 15, 9, 0, 0, DateTimeKind.Utc) };
            var client = Client(Roles.FrontDesk);
            var series = SendAsync(client, HttpMethod.Post, $"/episodes/{episodeId}/series", new
            {
                weekdays = new[] { "monday", "thursday" }, startTime = "09:00", firstDate = "2027-03-08", weeks = 2, durationMinutes = 45, skipConflicts = true,
            });
            var bookings = others.Select((o, i) => SendAsync(client, HttpMethod.Post, "/sessions", new
            {
                patientId = o.PatientId, therapistId, episodeId = o.EpisodeId, kind = "physiotherapy", startsAt = taken[i], durationMinutes = 45,
            })).ToList();
            var seriesAnswer = await series;
            var bookingAnswers = await Task.WhenAll(bookings);
            var body = await seriesAnswer.Content.ReadAsStringAsync();
            Assert.True(seriesAnswer.StatusCode == HttpStatusCode.Created, $"round {round}: series {(int)seriesAnswer.StatusCode} {body}");
            var result = JsonSerializer.Deserialize<SeriesResponse>(body, Json)!;
            Assert.Equal(4, result.Created.Count + result.Skipped.Count);
            foreach (var (answer, i) in bookingAnswers.Select((a, i) => (a, i)))
            {
                Assert.True(answer.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"round {round}: booking {(int)answer.StatusCode}");
                // A booking that won is exactly a date the series skipped; one that lost is a date the series created.
                Assert.Equal(answer.StatusCode == HttpStatusCode.Created, result.Skipped.Any(s => s.StartsAt == taken[i]));
            }

            await using var db = Db();
            var sessions = await db.Sessions.Where(s => s.TherapistId == therapistId && s.Status == SessionStatus.Booked).ToListAsync();
            Assert.Equal(4, sessions.Count);
            Assert.Equal(4, sessions.Select(s => s.StartsAt).Distinct().Count());
        }
    }

    /// <summary>One active episode per patient: racing enrolments of the same patient, exactly one 201, the rest 409.</summary>
    [Fact]
    public async Task Concurrent_enrolments_of_one_patient_have_one_winner()
    {
        var therapistId = await TherapistWithHoursAsync();
        var admin = Client(Roles.Admin);
        var patient = await Clinic.RegisterPatientAsync(admin);
        var answers = await RaceAsync(admin, Racers, _ => Request(HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id, armId = ArmCatalogue.PhysiotherapyId, primaryTherapistId = therapistId, startDate = "2027-03-01", referralReason = "GP referral",
        }, null));
        AssertOneWinner(answers, "enrol");
        await using var db = Db();
        Assert.Equal(1, await db.Episodes.CountAsync(e => e.PatientId == patient.Id));
    }

    /// <summary>The versioned writes: each raced with one ETag. The setup returns the URL, the body and the ETag.</summary>
    public static TheoryData<string> VersionedWrites() =>
    [
        "update-patient", "archive-patient", "update-therapist", "replace-competencies", "deactivate-therapist", "update-arm", "delete-arm",
        "complete-episode", "discontinue-episode", "change-arm", "close-study", "reschedule-session", "cancel-session", "amend-measurement",
        "withdraw-measurement", "restore-patient", "activate-therapist", "mark-attended", "mark-no-show",
    ];

    [Theory]
    [MemberData(nameof(VersionedWrites))]
    public async Task Every_versioned_write_raced_with_one_ETag_has_exactly_one_winner(string write)
    {
        var admin = Client(Roles.Admin);
        async Task<string> ETagOf(string url) => (await admin.GetAsync(url)).Headers.ETag!.Tag;
        Func<int, HttpRequestMessage> request;
        switch (write)
        {
            case "update-patient":
            {
                var patient = await Clinic.RegisterPatientAsync(admin);
                var etag = await ETagOf($"/patients/{patient.Id}");
                request = i => Request(HttpMethod.Put, $"/patients/{patient.Id}", new
                {
                    medicalRecordNumber = patient.MedicalRecordNumber, givenName = $"Given{i}", familyName = "Patient", dateOfBirth = "1985-04-12", sex = "female",
                }, etag);
                break;
            }

            case "archive-patient":
            {
                var patient = await Clinic.RegisterPatientAsync(admin);
                var etag = await ETagOf($"/patients/{patient.Id}");
                request = _ => Request(HttpMethod.Post, $"/patients/{patient.Id}/archive", null, etag);
                break;
            }

            case "replace-competencies":
            {
                // The competencies are a whole collection replaced by PUT: two writers must not merge their sets.
                var therapist = await Clinic.CreateTherapistAsync(admin, "exercise-therapy");
                var etag = await ETagOf($"/therapists/{therapist.Id}");
                string[] all = ["exercise-therapy", "individualised-exercise", "cognitive-behavioural-therapy", "pain-education", "behavioural-therapy"];
                request = i => Request(HttpMethod.Put, $"/therapists/{therapist.Id}", new
                {
                    givenName = therapist.GivenName, familyName = therapist.FamilyName, registrationNumber = therapist.RegistrationNumber, userId = therapist.UserId,
                    competencies = new[] { all[i % all.Length], all[(i + 1) % all.Length] },
                }, etag);
                _clock.Advance(TimeSpan.FromMinutes(1));
                var answers = await RaceAsync(admin, Racers, request);
                AssertOneWinner(answers, write);
                var winner = JsonDocument.Parse(answers.Single(a => a.Status == HttpStatusCode.OK).Body).RootElement.GetProperty("competencies").GetRawText();
                var stored = (await admin.GetFromJsonAsync<JsonElement>($"/therapists/{therapist.Id}")).GetProperty("competencies").GetRawText();
                Assert.Equal(winner, stored);
                return;
            }

            case "update-therapist" or "deactivate-therapist":
            {
                var therapist = await Clinic.CreateTherapistAsync(admin, "exercise-therapy");
                var etag = await ETagOf($"/therapists/{therapist.Id}");
                request = write == "deactivate-therapist"
                    ? _ => Request(HttpMethod.Post, $"/therapists/{therapist.Id}/deactivate", null, etag)
                    : i => Request(HttpMethod.Put, $"/therapists/{therapist.Id}", new
                    {
                        givenName = $"Given{i}", familyName = "Therapist", registrationNumber = therapist.RegistrationNumber, competencies = new[] { "exercise-therapy" },
                    }, etag);
                break;
            }

            case "update-arm" or "delete-arm":
            {
                var arm = new { code = $"arm-{Guid.NewGuid():N}"[..20], name = "Clinic arm", description = "Local protocol", sessionsPerWeek = 2, weeks = 6, sessionKinds = new[] { "physiotherapy" }, evidenceIds = Array.Empty<string>() };
                var created = await SendAsync(admin, HttpMethod.Post, "/arms", arm);
                Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
                var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
                var etag = await ETagOf($"/arms/{id}");
                request = write == "delete-arm"
                    ? _ => Request(HttpMethod.Delete, $"/arms/{id}", null, etag)
                    : i => Request(HttpMethod.Put, $"/arms/{id}", arm with { name = $"Clinic arm {i}" }, etag);
                break;
            }

            case "complete-episode" or "discontinue-episode" or "change-arm":
            {
                var (_, episodeId) = await EpisodeAsync(await TherapistWithHoursAsync());
                var etag = await ETagOf($"/episodes/{episodeId}");
                request = write switch
                {
                    "complete-episode" => _ => Request(HttpMethod.Post, $"/episodes/{episodeId}/complete", new { endDate = "2027-03-01" }, etag),
                    "discontinue-episode" => i => Request(HttpMethod.Post, $"/episodes/{episodeId}/discontinue", new { endDate = "2027-03-01", reason = $"Moved away {i}" }, etag),
                    _ => i => Request(HttpMethod.Post, $"/episodes/{episodeId}/change-arm", new { armId = ArmCatalogue.PhysiotherapyId, reason = $"Preference {i}" }, etag),
                };
                break;
            }

            case "restore-patient":
            {
                var patient = await Clinic.RegisterPatientAsync(admin);
                var archived = await SendAsync(admin, HttpMethod.Post, $"/patients/{patient.Id}/archive", null, await ETagOf($"/patients/{patient.Id}"));
                Assert.True(archived.IsSuccessStatusCode, await archived.Content.ReadAsStringAsync());
                var etag = await ETagOf($"/patients/{patient.Id}");
                request = _ => Request(HttpMethod.Post, $"/patients/{patient.Id}/restore", null, etag);
                break;
            }

            case "activate-therapist":
            {
                var therapist = await Clinic.CreateTherapistAsync(admin, "exercise-therapy");
                var deactivated = await SendAsync(admin, HttpMethod.Post, $"/therapists/{therapist.Id}/deactivate", null, await ETagOf($"/therapists/{therapist.Id}"));
                Assert.True(deactivated.IsSuccessStatusCode, await deactivated.Content.ReadAsStringAsync());
                var etag = await ETagOf($"/therapists/{therapist.Id}");
                request = _ => Request(HttpMethod.Post, $"/therapists/{therapist.Id}/activate", null, etag);
                break;
            }

            case "close-study":
            {
                var created = await SendAsync(admin, HttpMethod.Post, "/studies", new
                {
                    name = "Race study", armIds = new[] { ArmCatalogue.PhysiotherapyId, ArmCatalogue.PhysiotherapyCbtId }, ratios = new[] { 1, 1 }, blockMultipliers = new[] { 1 }, seed = 7,
                });
                Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
                var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
                var etag = await ETagOf($"/studies/{id}");
                request = _ => Request(HttpMethod.Post, $"/studies/{id}/close", null, etag);
                break;
            }

            case "reschedule-session" or "cancel-session":
            {
                var therapistId = await TherapistWithHoursAsync();
                var (patientId, episodeId) = await EpisodeAsync(therapistId);
                var booked = await SendAsync(admin, HttpMethod.Post, "/sessions", new
                {
                    patientId, therapistId, episodeId, kind = "physiotherapy", startsAt = s_monday.AddDays(1).AddHours(9), durationMinutes = 45,
                });
                Assert.True(booked.StatusCode == HttpStatusCode.Created, await booked.Content.ReadAsStringAsync());
                var session = await ReadAsync<SessionResponse>(booked);
                var etag = booked.Headers.ETag!.Tag;
                request = write == "cancel-session"
                    ? i => Request(HttpMethod.Post, $"/sessions/{session.Id}/cancel", new { by = "patient", reason = $"Ill {i}" }, etag)
                    : i => Request(HttpMethod.Post, $"/sessions/{session.Id}/reschedule", new { startsAt = s_monday.AddDays(2).AddHours(8 + (i % 8)), durationMinutes = 45 }, etag);
                break;
            }

            case "mark-attended" or "mark-no-show":
            {
                var session = await StartedSessionAsync();
                var path = write == "mark-attended" ? "attended" : "no-show";
                request = _ => Request(HttpMethod.Post, $"/sessions/{session.Id}/{path}", null, session.ETag);
                break;
            }

            case "amend-measurement" or "withdraw-measurement":
            {
                var patient = await Clinic.RegisterPatientAsync(admin);
                var recorded = await SendAsync(admin, HttpMethod.Post, $"/patients/{patient.Id}/measurements", new { instrument = "pain-nrs", takenAt = s_monday.AddDays(-1), score = 6 });
                Assert.True(recorded.StatusCode == HttpStatusCode.Created, await recorded.Content.ReadAsStringAsync());
                var id = JsonDocument.Parse(await recorded.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
                var etag = await ETagOf($"/measurements/{id}");
                request = write == "amend-measurement"
                    ? i => Request(HttpMethod.Post, $"/measurements/{id}/amend", new { score = i % 10, reason = "Transcription error" }, etag)
                    : i => Request(HttpMethod.Post, $"/measurements/{id}/entered-in-error", new { reason = $"Wrong patient {i}" }, etag);
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(write), write, null);
        }

        // Later than the set-up, as in life: every write then changes the row (its updatedAt at least).
        _clock.Advance(TimeSpan.FromMinutes(1));
        AssertOneWinner(await RaceAsync(admin, Racers, request), write, deletes: write == "delete-arm");
    }

    /// <summary>A session booked for Tuesday 09:00 and the clock moved past its start, so attendance may be recorded.</summary>
    private async Task<(Guid Id, string ETag)> StartedSessionAsync()
    {
        var admin = Client(Roles.Admin);
        var therapistId = await TherapistWithHoursAsync();
        var (patientId, episodeId) = await EpisodeAsync(therapistId);
        var startsAt = _clock.Now.UtcDateTime.Date.AddDays(1).AddHours(9);
        var booked = await SendAsync(admin, HttpMethod.Post, "/sessions", new { patientId, therapistId, episodeId, kind = "physiotherapy", startsAt, durationMinutes = 45 });
        Assert.True(booked.StatusCode == HttpStatusCode.Created, await booked.Content.ReadAsStringAsync());
        _clock.Advance(startsAt.AddMinutes(50) - _clock.Now.UtcDateTime);
        return ((await ReadAsync<SessionResponse>(booked)).Id, booked.Headers.ETag!.Tag);
    }

    /// <summary>Attended and no-show sent at once for one session with one ETag: one outcome wins and is the one stored.</summary>
    [Fact]
    public async Task Attended_and_no_show_raced_on_one_session_store_exactly_the_winner()
    {
        var admin = Client(Roles.Admin);
        var (id, etag) = await StartedSessionAsync();
        var answers = await RaceAsync(admin, Racers, i => Request(HttpMethod.Post, $"/sessions/{id}/{(i % 2 == 0 ? "attended" : "no-show")}", null, etag));
        AssertOneWinner(answers, "attendance");
        var winner = JsonDocument.Parse(answers.Single(a => a.Status == HttpStatusCode.OK).Body).RootElement.GetProperty("status").GetString();
        var stored = (await admin.GetFromJsonAsync<JsonElement>($"/sessions/{id}")).GetProperty("status").GetString();
        Assert.Equal(winner, stored);
    }

    private async Task<Guid> RecruitingStudyAsync()
    {
        var created = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/studies", new
        {
            name = "Race study", armIds = new[] { ArmCatalogue.PhysiotherapyId, ArmCatalogue.PhysiotherapyCbtId }, ratios = new[] { 1, 1 }, blockMultipliers = new[] { 1 }, seed = 7,
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private async Task<Guid> ScreenedPatientAsync()
    {
        var admin = Client(Roles.Admin);
        var patient = await Clinic.RegisterPatientAsync(admin);
        var screened = await SendAsync(admin, HttpMethod.Post, $"/patients/{patient.Id}/screenings", new { answers = new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0 } });
        Assert.True(screened.StatusCode == HttpStatusCode.Created, await screened.Content.ReadAsStringAsync());
        return patient.Id;
    }

    private static object StudyEnrolment(Guid patientId, Guid therapistId) =>
        new { patientId, primaryTherapistId = therapistId, startDate = "2027-03-01", referralReason = "Study recruitment" };

    /// <summary>One patient enrolled in one study by many clients at once: one allocation, one episode, the rest 409.</summary>
    [Fact]
    public async Task Concurrent_study_enrolments_of_one_patient_allocate_once()
    {
        var therapistId = await TherapistWithHoursAsync();
        var studyId = await RecruitingStudyAsync();
        var patientId = await ScreenedPatientAsync();
        var answers = await RaceAsync(Client(Roles.Admin), Racers, _ => Request(HttpMethod.Post, $"/studies/{studyId}/enrolments", StudyEnrolment(patientId, therapistId), null));
        AssertOneWinner(answers, "study enrolment");
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.Status));
        await using var db = Db();
        Assert.Equal(1, await db.Allocations.CountAsync(a => a.StudyId == studyId));
        Assert.Equal(1, await db.Episodes.CountAsync(e => e.PatientId == patientId));
    }

    /// <summary>
    /// A close in progress (the study row changed in an open transaction, as a close does) while an enrolment
    /// arrives: the enrolment waits for the close and is then refused, never allocated into a closed study.
    /// Without the lock the enrolment read "recruiting" at once and answered 201.
    /// </summary>
    [Fact]
    public async Task An_enrolment_racing_a_study_close_waits_for_it_and_is_refused()
    {
        var therapistId = await TherapistWithHoursAsync();
        var studyId = await RecruitingStudyAsync();
        var patientId = await ScreenedPatientAsync();
        await using var db = Db();
        await using (var closing = await db.Database.BeginTransactionAsync())
        {
            await db.Studies.Where(s => s.Id == studyId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, StudyStatus.Closed));
            var enrolment = SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/studies/{studyId}/enrolments", StudyEnrolment(patientId, therapistId));
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(enrolment.IsCompleted, "the enrolment did not wait for the close in progress");
            await closing.CommitAsync();
            await AssertProblemAsync(await enrolment, HttpStatusCode.Conflict);
        }

        Assert.Equal(0, await db.Allocations.CountAsync(a => a.StudyId == studyId));
        Assert.Equal(0, await db.Episodes.CountAsync(e => e.PatientId == patientId));
    }
}
