using System.Net;
using ClinicApi.Data;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Episodes;
using ClinicApi.Features.Scheduling;
using ClinicApi.Infrastructure;
using ClinicApi.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.IntegrationTests.Scheduling;

public sealed class SchedulingOnSqlite() : SchedulingTests(new SqliteDatabases());

public sealed class SchedulingOnPostgres(PostgresServer server) : SchedulingTests(new PostgresDatabases(server));

public sealed class SchedulingOnSqlServer(SqlServerServer server) : SchedulingTests(new SqlServerDatabases(server));

/// <summary>
/// Scheduling through HTTP on a fixed clock: Monday 1 March 2027, 07:00 in London (UTC+0 until the clocks go
/// forward on Sunday 28 March). The therapist works Monday to Friday, 08:00 to 18:00 local time.
/// </summary>
public abstract class SchedulingTests(ITestDatabases databases) : ApiTest(databases)
{
    private static readonly DateTime s_monday = new(2027, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly TestClock _clock = new(new DateTimeOffset(s_monday.AddHours(7)));

    private sealed record Setup(Guid TherapistId, Guid PatientId, Guid EpisodeId);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _clock.Install(Factory);
    }

    private static DateTime Tuesday(int hour, int minute = 0) => s_monday.AddDays(1).AddHours(hour).AddMinutes(minute);

    private async Task<Guid> TherapistAsync(params string[] competencies)
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), competencies.Length == 0 ? ["exercise-therapy", "cognitive-behavioural-therapy"] : competencies);
        var admin = Client(Roles.Admin);
        await Clinic.SetWeekdayHoursAsync(admin, therapist.Id);
        return therapist.Id;
    }

    private async Task<Setup> SetUpAsync(Guid? armId = null, Guid? therapistId = null)
    {
        var therapist = therapistId ?? await TherapistAsync();
        var patient = await Clinic.RegisterPatientAsync(Client(Roles.FrontDesk));
        var enrolled = await SendAsync(Client(Roles.Admin), HttpMethod.Post, "/episodes", new
        {
            patientId = patient.Id,
            armId = armId ?? ArmCatalogue.PhysiotherapyCbtId,
            primaryTherapistId = therapist,
            startDate = "2027-03-01",
            referralReason = "GP referral",
        });
        Assert.True(enrolled.StatusCode == HttpStatusCode.Created, await enrolled.Content.ReadAsStringAsync());
        return new(therapist, patient.Id, (await ReadAsync<EpisodeResponse>(enrolled)).Id);
    }

    private static object Booking(Setup setup, DateTime startsAt, int duration = 45, string kind = "physiotherapy", Guid? therapistId = null) => new
    {
        patientId = setup.PatientId,
        therapistId = therapistId ?? setup.TherapistId,
        episodeId = setup.EpisodeId,
        kind,
        startsAt,
        durationMinutes = duration,
    };

    private Task<HttpResponseMessage> BookAsync(object booking, string? idempotencyKey = null, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/sessions") { Content = System.Net.Http.Json.JsonContent.Create(booking, options: Json) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add(Idempotency.Header, idempotencyKey);
        }

        return (client ?? Client(Roles.FrontDesk)).SendAsync(request);
    }

    private async Task<(SessionResponse Session, string ETag)> BookedAsync(object booking)
    {
        var response = await BookAsync(booking);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await ReadAsync<SessionResponse>(response), response.Headers.ETag!.Tag);
    }

    private async Task<int> SessionRowsAsync()
    {
        await using var db = Db();
        return await db.Sessions.CountAsync();
    }

    [Fact]
    public async Task Working_hours_are_replaced_whole_under_if_match_and_validated()
    {
        var therapist = await Clinic.CreateTherapistAsync(Client(Roles.Admin), "exercise-therapy");
        var client = Client(Roles.Admin);
        var url = $"/therapists/{therapist.Id}/working-hours";
        var first = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = new { ranges = new[] { new { weekday = "monday", startsAt = "08:00", endsAt = "12:00" }, new { weekday = "monday", startsAt = "13:00", endsAt = "17:00" } } };

        await AssertProblemAsync(await SendAsync(client, HttpMethod.Put, url, body), HttpStatusCode.PreconditionRequired);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Put, url, body, "\"stale\""), HttpStatusCode.PreconditionFailed);
        var set = await SendAsync(client, HttpMethod.Put, url, body, first.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var hours = await ReadAsync<WorkingHoursResponse>(set);
        Assert.Equal("Europe/London", hours.TimeZone);
        Assert.Equal([new WorkingRange(DayOfWeek.Monday, "08:00", "12:00"), new WorkingRange(DayOfWeek.Monday, "13:00", "17:00")], hours.Ranges);
        // The ETag read before the change is stale now: no lost update.
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Put, url, body, first.Headers.ETag!.Tag), HttpStatusCode.PreconditionFailed);

        var etag = set.Headers.ETag!.Tag;
        Assert.NotEmpty(await AssertValidationProblemAsync(await SendAsync(client, HttpMethod.Put, url,
            new { ranges = new[] { new { weekday = "monday", startsAt = "12:00", endsAt = "08:00" } } }, etag)));
        Assert.NotEmpty(await AssertValidationProblemAsync(await SendAsync(client, HttpMethod.Put, url,
            new { ranges = new[] { new { weekday = "monday", startsAt = "08:00", endsAt = "12:00" }, new { weekday = "monday", startsAt = "11:00", endsAt = "13:00" } } }, etag)));
        Assert.NotEmpty(await AssertValidationProblemAsync(await SendAsync(client, HttpMethod.Put, url,
            new { ranges = new[] { new { weekday = "monday", startsAt = "9am", endsAt = "12:00" } } }, etag)));
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Put, $"/therapists/{Guid.CreateVersion7()}/working-hours", body, etag), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(Client(Roles.Manager), HttpMethod.Get, url), HttpStatusCode.Forbidden);

        Assert.Equal(hours.Ranges, (await ReadAsync<WorkingHoursResponse>(await client.GetAsync(url))).Ranges);
    }

    [Fact]
    public async Task Free_slots_are_working_hours_minus_sessions_minus_time_off()
    {
        var setup = await SetUpAsync();
        var client = Client(Roles.FrontDesk);
        await BookedAsync(Booking(setup, Tuesday(10), 60));
        var off = await SendAsync(client, HttpMethod.Post, $"/therapists/{setup.TherapistId}/time-off",
            new { startsAt = Tuesday(14), endsAt = Tuesday(16), reason = "Training" });
        Assert.Equal(HttpStatusCode.Created, off.StatusCode);

        var slots = await ReadAsync<List<FreeSlot>>(await client.GetAsync(
            $"/therapists/{setup.TherapistId}/free-slots?from=2027-03-02&to=2027-03-02&durationMinutes=60&stepMinutes=60"));

        Assert.Equal(["2027-03-02T08:00", "2027-03-02T09:00", "2027-03-02T11:00", "2027-03-02T12:00", "2027-03-02T13:00", "2027-03-02T16:00", "2027-03-02T17:00"],
            slots.Select(s => s.LocalStart));
        Assert.Equal(Tuesday(8), slots[0].StartsAt);

        // Today: slots before 07:00 now are gone; Saturday has no working hours.
        var monday = await ReadAsync<List<FreeSlot>>(await client.GetAsync(
            $"/therapists/{setup.TherapistId}/free-slots?from=2027-03-01&to=2027-03-01&durationMinutes=120&stepMinutes=60"));
        Assert.Equal(9, monday.Count);
        Assert.Empty(await ReadAsync<List<FreeSlot>>(await client.GetAsync(
            $"/therapists/{setup.TherapistId}/free-slots?from=2027-03-06&to=2027-03-06&durationMinutes=30")));

        Assert.Equivalent(new[] { "to", "durationMinutes" }, await AssertValidationProblemAsync(await client.GetAsync(
            $"/therapists/{setup.TherapistId}/free-slots?from=2027-03-01&to=2027-05-01&durationMinutes=5")));
        await AssertProblemAsync(await client.GetAsync($"/therapists/{Guid.CreateVersion7()}/free-slots?from=2027-03-01&to=2027-03-01&durationMinutes=30"),
            HttpStatusCode.NotFound);
    }

    /// <summary>
    /// What each refused booking is tried against: a therapist working 08:00-18:00 on weekdays with a session on
    /// Tuesday at 10:00 and time off from 14:00 to 15:00, and a colleague who holds only exercise therapy.
    /// </summary>
    private async Task<(Setup Setup, Guid ExerciseOnly, SessionResponse Existing)> RefusalsAsync()
    {
        var setup = await SetUpAsync();
        var exerciseOnly = await TherapistAsync("exercise-therapy");
        var (existing, _) = await BookedAsync(Booking(setup, Tuesday(10)));
        var off = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/therapists/{setup.TherapistId}/time-off",
            new { startsAt = Tuesday(14), endsAt = Tuesday(15), reason = "Supervision" });
        Assert.Equal(HttpStatusCode.Created, off.StatusCode);
        return (setup, exerciseOnly, existing);
    }

    /// <summary>Only the session booked by <see cref="RefusalsAsync"/>: a refused booking stores nothing.</summary>
    private async Task AssertNothingStoredAsync() => Assert.Equal(1, await SessionRowsAsync());

    [Theory]
    [InlineData(1, 18, 0)]    // Tuesday 18:00: after hours
    [InlineData(1, 17, 30)]   // Tuesday 17:30: 45 minutes run past 18:00
    [InlineData(5, 10, 0)]    // Saturday: no working hours
    public async Task A_booking_outside_working_hours_is_refused(int day, int hour, int minute)
    {
        var (setup, _, _) = await RefusalsAsync();

        Assert.Contains("working hours", (await AssertProblemAsync(await BookAsync(Booking(setup, s_monday.AddDays(day).AddHours(hour).AddMinutes(minute))), HttpStatusCode.UnprocessableEntity)).GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_booking_in_the_therapists_time_off_is_refused()
    {
        var (setup, _, _) = await RefusalsAsync();

        Assert.Contains("off", (await AssertProblemAsync(await BookAsync(Booking(setup, Tuesday(14, 30))), HttpStatusCode.UnprocessableEntity)).GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_booking_in_the_past_is_refused()
    {
        var (setup, _, _) = await RefusalsAsync();

        Assert.Contains("past", (await AssertProblemAsync(await BookAsync(Booking(setup, s_monday.AddHours(6))), HttpStatusCode.UnprocessableEntity)).GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_booking_that_clashes_with_the_therapists_session_names_it()
    {
        var (setup, _, existing) = await RefusalsAsync();

        var therapistClash = await AssertProblemAsync(await BookAsync(Booking(setup, Tuesday(10, 30))), HttpStatusCode.Conflict);
        Assert.Equal(existing.Id, therapistClash.GetProperty("clashingSessionId").GetGuid());
        Assert.Contains("therapist", therapistClash.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_booking_that_clashes_with_the_patients_session_with_another_therapist_names_it()
    {
        var (setup, exerciseOnly, existing) = await RefusalsAsync();

        // Same patient, another therapist, overlapping time.
        var patientClash = await AssertProblemAsync(await BookAsync(Booking(setup, Tuesday(10, 15), therapistId: exerciseOnly)), HttpStatusCode.Conflict);
        Assert.Equal(existing.Id, patientClash.GetProperty("clashingSessionId").GetGuid());
        Assert.Contains("patient", patientClash.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_session_needing_a_competency_the_therapist_lacks_is_refused()
    {
        var (setup, exerciseOnly, _) = await RefusalsAsync();

        var competency = await AssertProblemAsync(await BookAsync(Booking(setup, Tuesday(12), kind: "cognitive-behavioural-therapy", therapistId: exerciseOnly)), HttpStatusCode.Conflict);
        Assert.Contains("cognitive-behavioural-therapy", competency.GetProperty("detail").GetString());
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData("episode")]
    [InlineData("patient")]
    [InlineData("therapist")]
    public async Task A_booking_for_an_unknown_episode_patient_or_therapist_is_unprocessable(string unknown)
    {
        var (setup, _, _) = await RefusalsAsync();
        var booking = unknown switch
        {
            "episode" => Booking(setup with { EpisodeId = Guid.CreateVersion7() }, Tuesday(12)),
            "patient" => Booking(setup with { PatientId = Guid.CreateVersion7() }, Tuesday(12)),
            _ => Booking(setup, Tuesday(12), therapistId: Guid.CreateVersion7()),
        };

        await AssertProblemAsync(await BookAsync(booking), HttpStatusCode.UnprocessableEntity);
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData(10)]
    [InlineData(121)]
    public async Task A_session_lasts_15_to_120_minutes(int duration)
    {
        var (setup, _, _) = await RefusalsAsync();

        Assert.Equivalent(new[] { "durationMinutes" }, await AssertValidationProblemAsync(await BookAsync(Booking(setup, Tuesday(12), duration: duration))), strict: true);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_empty_booking_lists_every_missing_field()
    {
        await RefusalsAsync();

        Assert.Equivalent(new[] { "patientId", "therapistId", "episodeId", "kind", "startsAt", "durationMinutes" },
            await AssertValidationProblemAsync(await BookAsync(new { })), strict: true);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_unknown_session_kind_is_a_bad_request()
    {
        await RefusalsAsync();

        await AssertProblemAsync(await BookAsync(new { kind = "massage" }), HttpStatusCode.BadRequest);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Managers_cannot_book()
    {
        var (setup, _, _) = await RefusalsAsync();

        await AssertProblemAsync(await BookAsync(Booking(setup, Tuesday(12)), client: Client(Roles.Manager)), HttpStatusCode.Forbidden);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task The_longest_session_still_clashes_with_a_booking_in_its_last_minutes()
    {
        // The clash search reads only sessions that started less than the maximum duration before the new start.
        var setup = await SetUpAsync();
        var (longest, _) = await BookedAsync(Booking(setup, Tuesday(10), duration: 120));
        var clash = await AssertProblemAsync(await BookAsync(Booking(setup, Tuesday(11, 55), duration: 30)), HttpStatusCode.Conflict);
        Assert.Equal(longest.Id, clash.GetProperty("clashingSessionId").GetGuid());
        var (after, _) = await BookedAsync(Booking(setup, Tuesday(12), duration: 30));
        Assert.NotEqual(longest.Id, after.Id);
        // Free slots use the same search: no 30-minute slot overlaps 10:00-12:30, and 12:30 itself is free.
        var slots = await ReadAsync<List<FreeSlot>>(await Client(Roles.Admin).GetAsync(
            $"/therapists/{setup.TherapistId}/free-slots?from={Tuesday(0):yyyy-MM-dd}&to={Tuesday(0):yyyy-MM-dd}&durationMinutes=30&stepMinutes=5"));
        Assert.DoesNotContain(slots, slot => slot.StartsAt.ToUniversalTime() > Tuesday(9, 30) && slot.StartsAt.ToUniversalTime() < Tuesday(12, 30));
        Assert.Contains(slots, slot => slot.StartsAt.ToUniversalTime() == Tuesday(12, 30));
    }

    [Fact]
    public async Task A_session_for_an_episode_that_has_ended_is_refused()
    {
        var setup = await SetUpAsync();
        var episode = await Client(Roles.Admin).GetAsync($"/episodes/{setup.EpisodeId}");
        var completed = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/episodes/{setup.EpisodeId}/complete",
            new { endDate = "2027-03-01" }, episode.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);

        await AssertProblemAsync(await BookAsync(Booking(setup, Tuesday(10))), HttpStatusCode.Conflict);
        await AssertProblemAsync(await SendAsync(Client(Roles.FrontDesk), HttpMethod.Post, $"/episodes/{setup.EpisodeId}/series",
            new { weekdays = new[] { "monday" }, startTime = "09:00", weeks = 1 }), HttpStatusCode.Conflict);
        Assert.Equal(0, await SessionRowsAsync());
    }

    [Fact]
    public async Task Fifty_parallel_bookings_of_overlapping_slots_make_exactly_one_session()
    {
        var therapist = await TherapistAsync();
        // Different patients, so only the therapist's calendar can refuse them: the database has to.
        var setups = new List<Setup>();
        for (var i = 0; i < 50; i++)
        {
            setups.Add(await SetUpAsync(ArmCatalogue.PhysiotherapyId, therapist));
        }

        var clients = setups.Select(_ => Client(Roles.FrontDesk)).ToList();
        var results = await Task.WhenAll(setups.Select((s, i) => BookAsync(Booking(s, Tuesday(10).AddMinutes(i % 30), 45), client: clients[i])));

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in results.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var problem = await AssertProblemAsync(refused, HttpStatusCode.Conflict);
            Assert.True(problem.TryGetProperty("clashingSessionId", out _));
        }

        Assert.Equal(1, await SessionRowsAsync());
    }

    [Fact]
    public async Task The_database_refuses_an_overlap_that_bypasses_the_api_checks()
    {
        var setup = await SetUpAsync();
        var (booked, _) = await BookedAsync(Booking(setup, Tuesday(10)));
        await using var db = Db();
        db.Sessions.Add(new Session
        {
            PatientId = setup.PatientId,
            TherapistId = setup.TherapistId,
            EpisodeId = setup.EpisodeId,
            Kind = SessionKind.Physiotherapy,
            StartsAt = booked.StartsAt.AddMinutes(30),
            EndsAt = booked.StartsAt.AddMinutes(75),
            DurationMinutes = 45,
            CreatedAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow,
        });
        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.True(ClinicApi.Data.DbErrors.IsOverlapViolation(refused));
    }

    [Fact]
    public async Task Reschedule_cancel_and_attendance_follow_the_rules()
    {
        var setup = await SetUpAsync();
        var client = Client(Roles.FrontDesk);
        var (session, etag) = await BookedAsync(Booking(setup, Tuesday(10)));
        var (other, _) = await BookedAsync(Booking(setup, Tuesday(12)));
        var url = $"/sessions/{session.Id}";

        // Reschedule: If-Match, then the same rules as booking.
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/reschedule", new { startsAt = Tuesday(11) }), HttpStatusCode.PreconditionRequired);
        var clash = await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/reschedule", new { startsAt = Tuesday(11, 30) }, etag), HttpStatusCode.Conflict);
        Assert.Equal(other.Id, clash.GetProperty("clashingSessionId").GetGuid());
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/reschedule", new { startsAt = Tuesday(20) }, etag), HttpStatusCode.UnprocessableEntity);
        var moved = await SendAsync(client, HttpMethod.Post, $"{url}/reschedule", new { startsAt = Tuesday(9), durationMinutes = 60 }, etag);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var movedBody = await ReadAsync<SessionResponse>(moved);
        Assert.Equal((Tuesday(9), Tuesday(10), 60, 2), (movedBody.StartsAt, movedBody.EndsAt, movedBody.DurationMinutes, movedBody.Version));
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/cancel", new { by = "patient", reason = "Unwell" }, etag), HttpStatusCode.PreconditionFailed);
        etag = moved.Headers.ETag!.Tag;

        // Attendance only once the start has passed.
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/attended", ifMatch: etag), HttpStatusCode.UnprocessableEntity);

        // Cancellation: reason required; more than 24 h ahead is not late; the slot is free again.
        Assert.Equivalent(new[] { "by", "reason" }, await AssertValidationProblemAsync(await SendAsync(client, HttpMethod.Post, $"{url}/cancel", new { }, etag)), strict: true);
        var cancelResponse = await SendAsync(client, HttpMethod.Post, $"{url}/cancel", new { by = "patient", reason = "Unwell" }, etag);
        var cancelled = await ReadAsync<SessionResponse>(cancelResponse);
        Assert.Equal((SessionStatus.Cancelled, CancelledBy.Patient, false), (cancelled.Status, cancelled.CancelledBy, cancelled.LateCancellation));
        var again = await SendAsync(client, HttpMethod.Post, $"{url}/cancel", new { by = "patient", reason = "Unwell" }, cancelResponse.Headers.ETag!.Tag);
        await AssertProblemAsync(again, HttpStatusCode.Conflict);
        var (rebooked, _) = await BookedAsync(Booking(setup, Tuesday(9)));

        // Under 24 h before the start, a cancellation is flagged late.
        _clock.Now = new DateTimeOffset(Tuesday(8));
        var otherEtag = (await client.GetAsync($"/sessions/{other.Id}")).Headers.ETag!.Tag;
        var late = await ReadAsync<SessionResponse>(await SendAsync(client, HttpMethod.Post, $"/sessions/{other.Id}/cancel", new { by = "clinic", reason = "Therapist ill" }, otherEtag));
        Assert.True(late.LateCancellation);
        Assert.Equal(CancelledBy.Clinic, late.CancelledBy);

        // After the start: attended or no-show, once; a started session cannot be cancelled.
        _clock.Now = new DateTimeOffset(Tuesday(9, 5));
        var rebookedEtag = (await client.GetAsync($"/sessions/{rebooked.Id}")).Headers.ETag!.Tag;
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"/sessions/{rebooked.Id}/cancel", new { by = "patient", reason = "Late" }, rebookedEtag), HttpStatusCode.Conflict);
        var attended = await SendAsync(client, HttpMethod.Post, $"/sessions/{rebooked.Id}/attended", ifMatch: rebookedEtag);
        Assert.Equal(SessionStatus.Attended, (await ReadAsync<SessionResponse>(attended)).Status);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"/sessions/{rebooked.Id}/no-show", ifMatch: attended.Headers.ETag!.Tag), HttpStatusCode.Conflict);
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"/sessions/{Guid.CreateVersion7()}/attended", ifMatch: "\"1\""), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_answer_and_refuses_another_body()
    {
        var setup = await SetUpAsync();
        var client = Client(Roles.FrontDesk);
        var booking = Booking(setup, Tuesday(10));

        var first = await BookAsync(booking, "key-1", client);
        var retry = await BookAsync(booking, "key-1", client);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal((await ReadAsync<SessionResponse>(first)).Id, (await ReadAsync<SessionResponse>(retry)).Id);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);

        // Retries racing each other: still one session, every answer the same one.
        var raced = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => BookAsync(Booking(setup, Tuesday(12)), "key-2", client)));
        var ids = new HashSet<Guid>();
        foreach (var response in raced)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            ids.Add((await ReadAsync<SessionResponse>(response)).Id);
        }

        Assert.Single(ids);
        await AssertProblemAsync(await BookAsync(Booking(setup, Tuesday(15)), "key-1", client), HttpStatusCode.UnprocessableEntity);
        await AssertProblemAsync(await BookAsync(booking, new string('k', 201), client), HttpStatusCode.BadRequest);
        // Keys belong to the user who sent them: another user's same key is a new request (here, a clash).
        await AssertProblemAsync(await BookAsync(booking, "key-1", Client(Roles.FrontDesk)), HttpStatusCode.Conflict);
        Assert.Equal(2, await SessionRowsAsync());
    }

    [Fact]
    public async Task A_series_is_all_or_nothing_unless_conflicts_may_be_skipped()
    {
        var setup = await SetUpAsync();
        var client = Client(Roles.FrontDesk);
        var (blocking, _) = await BookedAsync(Booking(setup, s_monday.AddDays(10).AddHours(9)));
        var request = new { weekdays = new[] { "monday", "thursday" }, startTime = "09:00", firstDate = "2027-03-01" };

        var refused = await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"/episodes/{setup.EpisodeId}/series", request), HttpStatusCode.Conflict);
        var conflict = Assert.Single(refused.GetProperty("conflicts").EnumerateArray());
        Assert.Equal("2027-03-11T09:00", conflict.GetProperty("localStart").GetString());
        Assert.Equal(blocking.Id, conflict.GetProperty("clashingSessionId").GetGuid());
        Assert.Equal(1, await SessionRowsAsync());

        var created = await SendAsync(client, HttpMethod.Post, $"/episodes/{setup.EpisodeId}/series", new
        {
            request.weekdays, request.startTime, request.firstDate, skipConflicts = true,
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var series = await ReadAsync<SeriesResponse>(created);
        // The arm's protocol: 2 a week for 6 weeks, physiotherapy and CBT in turn.
        Assert.Equal(11, series.Created.Count);
        Assert.Equal("2027-03-11T09:00", Assert.Single(series.Skipped).LocalStart);
        Assert.All(series.Created, s => Assert.EndsWith("T09:00", s.LocalStart));
        Assert.Equal(SessionKind.Physiotherapy, series.Created[0].Kind);
        Assert.Equal(SessionKind.CognitiveBehaviouralTherapy, series.Created[1].Kind);
        Assert.Equal(12, await SessionRowsAsync());

        var adherence = await ReadAsync<Adherence>(await client.GetAsync($"/episodes/{setup.EpisodeId}/adherence"));
        Assert.Equal((12, 12, 0, 12), (adherence.Planned, adherence.Booked, adherence.Attended, adherence.Upcoming));

        Assert.NotEmpty(await AssertValidationProblemAsync(await SendAsync(client, HttpMethod.Post, $"/episodes/{setup.EpisodeId}/series",
            new { weekdays = new[] { "monday", "monday" }, startTime = "25:00", weeks = 60 })));
        await AssertProblemAsync(await SendAsync(client, HttpMethod.Post, $"/episodes/{Guid.CreateVersion7()}/series", request), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_0900_series_stays_at_0900_local_across_the_daylight_saving_change()
    {
        var setup = await SetUpAsync(ArmCatalogue.PhysiotherapyId);
        var response = await SendAsync(Client(Roles.Admin), HttpMethod.Post, $"/episodes/{setup.EpisodeId}/series",
            new { weekdays = new[] { "monday", "thursday" }, startTime = "09:00", firstDate = "2027-03-22", weeks = 2 });

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var series = await ReadAsync<SeriesResponse>(response);
        Assert.Equal(["2027-03-22T09:00", "2027-03-25T09:00", "2027-03-29T09:00", "2027-04-01T09:00"], series.Created.Select(s => s.LocalStart));
        // London is UTC+0 before Sunday 28 March and UTC+1 after it.
        Assert.Equal([9, 9, 8, 8], series.Created.Select(s => s.StartsAt.Hour));
    }

    [Fact]
    public async Task An_idempotent_series_retry_creates_nothing_new()
    {
        var setup = await SetUpAsync(ArmCatalogue.PhysiotherapyId);
        var client = Client(Roles.FrontDesk);
        var body = new { weekdays = new[] { "tuesday", "friday" }, startTime = "10:00", weeks = 3 };

        async Task<HttpResponseMessage> PostAsync(object request)
        {
            var message = new HttpRequestMessage(HttpMethod.Post, $"/episodes/{setup.EpisodeId}/series") { Content = System.Net.Http.Json.JsonContent.Create(request, options: Json) };
            message.Headers.Add(Idempotency.Header, "series-1");
            return await client.SendAsync(message);
        }

        var first = await ReadAsync<SeriesResponse>(await PostAsync(body));
        var retry = await PostAsync(body);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.SeriesId, (await ReadAsync<SeriesResponse>(retry)).SeriesId);
        Assert.Equal(6, await SessionRowsAsync());
        await AssertProblemAsync(await PostAsync(new { weekdays = new[] { "tuesday" }, startTime = "10:00", weeks = 3 }), HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Calendars_day_sheet_patient_sessions_and_adherence_reflect_what_happened()
    {
        var setup = await SetUpAsync(ArmCatalogue.PhysiotherapyId);
        var client = Client(Roles.FrontDesk);
        var (a, _) = await BookedAsync(Booking(setup, Tuesday(9)));
        var (b, bTag) = await BookedAsync(Booking(setup, Tuesday(11)));
        var (c, _) = await BookedAsync(Booking(setup, s_monday.AddDays(3).AddHours(9)));
        var cancelled = await SendAsync(client, HttpMethod.Post, $"/sessions/{b.Id}/cancel", new { by = "patient", reason = "Work" }, bTag);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        var calendar = await ReadAsync<List<SessionResponse>>(await client.GetAsync($"/therapists/{setup.TherapistId}/calendar?from=2027-03-01&to=2027-03-07"));
        Assert.Equal([a.Id, c.Id], calendar.Select(s => s.Id));
        var withCancelled = await ReadAsync<List<SessionResponse>>(await client.GetAsync($"/therapists/{setup.TherapistId}/calendar?from=2027-03-02&to=2027-03-02&includeCancelled=true"));
        Assert.Equal([a.Id, b.Id], withCancelled.Select(s => s.Id));

        var sheet = await ReadAsync<DaySheet>(await client.GetAsync("/day-sheet?date=2027-03-02"));
        Assert.Equal([a.Id, b.Id], Assert.Single(sheet.Therapists).Sessions.Select(s => s.Id));
        await AssertValidationProblemAsync(await client.GetAsync("/day-sheet"));

        // Time passes: Tuesday's session is attended, Thursday's a no-show.
        _clock.Now = new DateTimeOffset(s_monday.AddDays(3).AddHours(10));
        var aTag = (await client.GetAsync($"/sessions/{a.Id}")).Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Post, $"/sessions/{a.Id}/attended", ifMatch: aTag)).StatusCode);
        var cTag = (await client.GetAsync($"/sessions/{c.Id}")).Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Post, $"/sessions/{c.Id}/no-show", ifMatch: cTag)).StatusCode);
        var (d, _) = await BookedAsync(Booking(setup, s_monday.AddDays(4).AddHours(9)));

        var upcoming = await ReadAsync<List<SessionResponse>>(await client.GetAsync($"/patients/{setup.PatientId}/sessions"));
        Assert.Equal([d.Id], upcoming.Select(s => s.Id));
        var past = await ReadAsync<List<SessionResponse>>(await client.GetAsync($"/patients/{setup.PatientId}/sessions?when=past"));
        Assert.Equal([c.Id, b.Id, a.Id], past.Select(s => s.Id));
        await AssertValidationProblemAsync(await client.GetAsync($"/patients/{setup.PatientId}/sessions?when=soon"));

        var adherence = await ReadAsync<Adherence>(await client.GetAsync($"/episodes/{setup.EpisodeId}/adherence"));
        Assert.Equal(new Adherence(setup.EpisodeId, 12, 4, 1, 1, 0, 1, 1, Math.Round(1 / 12.0, 3)), adherence);
        var episode = await ReadAsync<EpisodeResponse>(await client.GetAsync($"/episodes/{setup.EpisodeId}"));
        Assert.Equal(new EpisodeProgress(12, 1), episode.Progress);
        await AssertProblemAsync(await client.GetAsync($"/episodes/{Guid.CreateVersion7()}/adherence"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Time_off_is_listed_and_removed()
    {
        var setup = await SetUpAsync(ArmCatalogue.PhysiotherapyId);
        var client = Client(Roles.Admin);
        var url = $"/therapists/{setup.TherapistId}/time-off";
        Assert.Equivalent(new[] { "endsAt", "reason" }, await AssertValidationProblemAsync(
            await SendAsync(client, HttpMethod.Post, url, new { startsAt = Tuesday(10), endsAt = Tuesday(9) })), strict: true);
        var created = await ReadAsync<TimeOffResponse>(await SendAsync(client, HttpMethod.Post, url, new { startsAt = Tuesday(10), endsAt = Tuesday(12), reason = "Course" }));
        Assert.Equal([created.Id], (await ReadAsync<List<TimeOffResponse>>(await client.GetAsync(url))).Select(t => t.Id));
        await AssertProblemAsync(await BookAsync(Booking(setup, Tuesday(11))), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{url}/{created.Id}")).StatusCode);
        await AssertProblemAsync(await client.DeleteAsync($"{url}/{created.Id}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(Booking(setup, Tuesday(11)))).StatusCode);
    }
}
