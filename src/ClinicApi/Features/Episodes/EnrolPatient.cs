using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Episodes;

/// <summary>
/// <c>POST /episodes</c>: enrols a patient in an arm. One active episode per patient; eligibility warnings come
/// back in the response; a primary therapist without a competency the arm needs is a 409 unless overridden.
/// </summary>
public static class EnrolPatient
{
    public sealed record Request(
        Guid? PatientId, Guid? ArmId, Guid? PrimaryTherapistId, DateOnly? StartDate, string? ReferralReason, string? CompetencyOverrideReason)
        : ICareTeamRequest, IEnrolmentRequest
    {
        Guid? ICareTeamRequest.CareTherapistId => PrimaryTherapistId;
    }

    public sealed class Validator(ClinicClock clock) : EnrolmentValidator<Request>(clock, r => r.ArmId);

    public static async Task<Results<Created<EpisodeResponse>, ProblemHttpResult>> HandleAsync(
        Request request, ClinicDbContext db, ClinicClock clock, HttpResponse response, ILogger<Episode> logger, CancellationToken ct)
    {
        var patient = await db.Patients.FirstOrDefaultAsync(p => p.Id == request.PatientId, ct);
        if (patient is null)
        {
            return Problems.Unprocessable($"No patient with id {request.PatientId} exists.");
        }

        if (patient.Status == PatientStatus.Archived)
        {
            return Problems.Conflict("The patient is archived: restore the record before enrolling.");
        }

        if (await db.Episodes.AnyAsync(e => e.PatientId == patient.Id && e.Status == EpisodeStatus.Active, ct))
        {
            return EpisodeRules.AlreadyActive();
        }

        var start = await EpisodeRules.StartAsync(db, patient, request.ArmId!.Value, request.PrimaryTherapistId!.Value, request.StartDate!.Value,
            request.ReferralReason!, request.CompetencyOverrideReason, previousEpisodeId: null, clock.UtcNow, ct);
        if (start.Problem is not null)
        {
            return start.Problem;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return EpisodeRules.AlreadyActive();
        }

        logger.LogInformation("Enrolled patient {PatientId} in arm {ArmId} as episode {EpisodeId}", patient.Id, start.Arm!.Id, start.Episode!.Id);
        ETags.Set(response, start.Episode);
        return TypedResults.Created($"/episodes/{start.Episode.Id}", EpisodeResponse.From(start.Episode, start.Arm, 0));
    }
}
