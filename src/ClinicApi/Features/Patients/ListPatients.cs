using ClinicApi.Data;
using ClinicApi.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Patients;

/// <summary><c>GET /patients</c>: alphabetical, keyset-paginated, filtered by name, record number and status.</summary>
public static class ListPatients
{
    public sealed class Query
    {
        /// <summary>Part of the name ("family given", case-insensitive).</summary>
        public string? Search { get; init; }

        /// <summary>Exact medical record number.</summary>
        public string? Mrn { get; init; }

        /// <summary><c>active</c> (default), <c>archived</c> or <c>all</c>.</summary>
        [OpenApiValues(typeof(PatientStatus), Extra = ["all"])]
        public string? Status { get; init; }

        /// <summary>The <c>nextCursor</c> of the previous page.</summary>
        public string? Cursor { get; init; }

        /// <summary>Page size, 1 to 100 (larger values are capped at 100); default 25.</summary>
        public int? Limit { get; init; }
    }

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Search).MaximumLength(Patient.NameMax);
            RuleFor(q => q.Mrn).MaximumLength(Patient.MedicalRecordNumberMax);
            RuleFor(q => q.Status).Must(s => s is null or "all" || KebabEnum.TryParse<PatientStatus>(s, out _))
                .WithMessage($"status must be all, {KebabEnum.Names<PatientStatus>()}.");
            RuleFor(q => q.Cursor).Must(c => NameCursor.TryDecode(c, out _)).WithMessage("cursor is not one this API issued.");
            RuleFor(q => q.Limit).GreaterThanOrEqualTo(1);
        }
    }

    public static async Task<Ok<Page<PatientResponse>>> HandleAsync(
        [AsParameters] Query query, ClinicDbContext db, ClinicClock clock, HttpContext http, CancellationToken ct)
    {
        var patients = db.Patients.AsNoTracking();
        if (CareTeam.IsRestricted(http.User))
        {
            // The same reach as CareTeam.InCareAsync: no active linked therapist record, no patient at all.
            var therapistId = await CareTeam.TherapistIdAsync(http, db, ct);
            var mine = CareTeam.PatientsOf(db, therapistId, CareTeam.AccessHorizon(http));
            var unassigned = CareTeam.Unassigned(db);
            patients = therapistId == Guid.Empty ? patients.Where(_ => false) : patients.Where(p => mine.Contains(p.Id) || unassigned.Contains(p.Id));
        }

        if (query.Status != "all")
        {
            var status = KebabEnum.TryParse<PatientStatus>(query.Status, out var s) ? s : PatientStatus.Active;
            patients = patients.Where(p => p.Status == status);
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = Patient.SearchKey(query.Search);
            patients = patients.Where(p => p.SearchName.Contains(term));
        }

        if (!string.IsNullOrWhiteSpace(query.Mrn))
        {
            var mrn = query.Mrn.Trim();
            patients = patients.Where(p => p.MedicalRecordNumber == mrn);
        }

        NameCursor.TryDecode(query.Cursor, out var cursor);
        var today = clock.Today;
        var page = await patients.After(cursor).OrderByName()
            .ToPageAsync(NameCursor.EffectiveLimit(query.Limit), p => PatientResponse.From(p, today), ct);
        return TypedResults.Ok(page);
    }
}
