using System.Text.Json.Nodes;

namespace ClinicApi.Infrastructure;

/// <summary>
/// The request examples of the OpenAPI document, written by hand per request schema so a reader can send them:
/// a plausible patient (born in 1978, not in the future), a session on a weekday morning, a measurement taken
/// last week. They are dated around December 2026, when the document was written; the validators judge dates
/// against today (an enrolment starts within two years before and one after it, a session is in the future),
/// so an example read much later may need newer dates. <c>OpenApiExampleTests</c> sends every one of them with
/// the clock on 1 December 2026 and checks that none is refused as invalid.
/// </summary>
internal static class OpenApiRequestExamples
{
    private const string PatientId = "0193a5b2-7c1d-7e4f-8a9b-1c2d3e4f5a6b";
    private const string TherapistId = "0193a5b2-8d2e-7f50-9bac-2d3e4f5a6b7c";
    private const string EpisodeId = "0193a5b2-9e3f-7061-acbd-3e4f5a6b7c8d";
    private const string ArmId = "01930000-0000-7000-8000-000000000002";
    private const string OtherArmId = "01930000-0000-7000-8000-000000000001";

    private static readonly Dictionary<string, string> s_examples = new(StringComparer.Ordinal)
    {
        ["IssueDevelopmentTokenRequest"] = """{ "role": "therapist", "subject": "7d444840-9dc0-41cc-b0d4-b4b1e1b6c2a1" }""",
        ["PatientDetails"] = """
            {
              "medicalRecordNumber": "MRN-204817", "givenName": "Ada", "familyName": "Lovelace", "dateOfBirth": "1978-04-12",
              "sex": "female", "email": "ada.lovelace@example.org", "phone": "+44 20 7946 0958", "painOnsetDate": "2026-05-04",
              "painDurationWeeks": null, "hasAnxiety": false, "hasDepression": false, "consentToDeidentifiedReporting": true,
              "notes": "Prefers morning appointments."
            }
            """,
        ["TherapistDetails"] = """
            {
              "givenName": "Grace", "familyName": "Hopper", "email": "grace.hopper@clinic.example", "registrationNumber": "PH-118204",
              "competencies": ["exercise-therapy", "cognitive-behavioural-therapy"], "userId": "7d444840-9dc0-41cc-b0d4-b4b1e1b6c2a1"
            }
            """,
        ["ArmDetails"] = """
            {
              "code": "physio-group", "name": "Group physiotherapy", "description": "Supervised group exercise, twice a week for eight weeks.",
              "sessionsPerWeek": 2, "weeks": 8, "sessionKinds": ["physiotherapy"], "evidenceIds": [], "evidenceMinAge": null, "evidenceMaxAge": null
            }
            """,
        ["EnrolPatientRequest"] = $$"""
            {
              "patientId": "{{PatientId}}", "armId": "{{ArmId}}", "primaryTherapistId": "{{TherapistId}}", "startDate": "2026-11-30",
              "referralReason": "GP referral: chronic low back pain for seven months", "competencyOverrideReason": null
            }
            """,
        ["EndEpisodeCompleteRequest"] = """{ "endDate": "2026-11-30" }""",
        ["EndEpisodeDiscontinueRequest"] = """{ "endDate": "2026-11-30", "reason": "Patient moved out of the area" }""",
        ["EndEpisodeChangeArmRequest"] = $$"""
            { "armId": "{{OtherArmId}}", "primaryTherapistId": null, "startDate": null, "reason": "Patient declined the CBT sessions", "competencyOverrideReason": null }
            """,
        ["EnrolInStudyRequest"] = $$"""
            { "patientId": "{{PatientId}}", "primaryTherapistId": "{{TherapistId}}", "startDate": "2026-11-30", "referralReason": "Study recruitment", "competencyOverrideReason": null }
            """,
        ["CreateStudyRequest"] = $$"""
            { "name": "Physiotherapy vs physiotherapy + CBT", "armIds": ["{{OtherArmId}}", "{{ArmId}}"], "ratios": [1, 1], "blockMultipliers": [1, 2], "seed": 20261201 }
            """,
        ["ScreenPatientRequest"] = """{ "answers": [1, 0, 1, 0, 1, 0, 0, 1, 2], "takenAt": "2026-11-30T09:30:00Z", "episodeId": null }""",
        ["RecordMeasurementRequest"] = """{ "instrument": "pain-nrs", "takenAt": "2026-11-30T09:30:00Z", "episodeId": null, "score": 6, "items": null }""",
        ["CorrectMeasurementAmendRequest"] = """{ "score": 5, "items": null, "takenAt": null, "reason": "Transcription error: the form says 5" }""",
        ["CorrectMeasurementWithdrawRequest"] = """{ "reason": "Recorded against the wrong patient" }""",
        ["AdverseEventsRequest"] = """
            { "occurredOn": "2026-11-30", "severity": "mild", "relatedness": "possible", "code": "muscle-soreness", "description": "Soreness in the lower back for two days after the session" }
            """,
        ["DataSubjectRightsEraseRequest"] = """{ "reason": "Data subject request received 2026-11-28 (ticket 4711)" }""",
        ["AvailabilityWorkingHoursRequest"] = """
            {
              "ranges": [
                { "weekday": "monday", "startsAt": "08:00", "endsAt": "12:30" }, { "weekday": "monday", "startsAt": "13:30", "endsAt": "17:00" },
                { "weekday": "wednesday", "startsAt": "08:00", "endsAt": "16:00" }, { "weekday": "friday", "startsAt": "09:00", "endsAt": "13:00" }
              ]
            }
            """,
        ["AvailabilityTimeOffRequest"] = """{ "startsAt": "2026-12-24T00:00:00Z", "endsAt": "2026-12-29T00:00:00Z", "reason": "Annual leave" }""",
        ["BookSessionRequest"] = $$"""
            { "patientId": "{{PatientId}}", "therapistId": "{{TherapistId}}", "episodeId": "{{EpisodeId}}", "kind": "physiotherapy", "startsAt": "2026-12-07T09:00:00Z", "durationMinutes": 45 }
            """,
        ["ChangeSessionRescheduleRequest"] = """{ "startsAt": "2026-12-09T10:00:00Z", "durationMinutes": 45 }""",
        ["ChangeSessionCancelRequest"] = """{ "by": "patient", "reason": "Unwell: will call to rebook" }""",
        ["AddCareTeamMemberRequest"] = $$"""
            { "therapistId": "{{TherapistId}}", "reason": "Delivers the CBT sessions of the combined arm", "endsOn": "2027-03-31" }
            """,
        ["EndCareTeamMemberRequest"] = """{ "reason": "The CBT block is complete" }""",
        ["CreateSeriesRequest"] = $$"""
            { "weekdays": ["monday", "thursday"], "startTime": "09:00", "firstDate": "2026-12-07", "weeks": 6, "durationMinutes": 45, "therapistId": null, "skipConflicts": true }
            """,
    };

    public static JsonNode? For(string? schemaId) =>
        schemaId is not null && s_examples.TryGetValue(schemaId, out var json) ? JsonNode.Parse(json) : null;

    public static IReadOnlyCollection<string> SchemaIds => s_examples.Keys;
}
