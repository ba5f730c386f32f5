using ClinicApi.Data;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Audit;
using ClinicApi.Features.Auth;
using ClinicApi.Features.CareTeams;
using ClinicApi.Features.Episodes;
using ClinicApi.Features.Evidence;
using ClinicApi.Features.Health;
using ClinicApi.Features.Measurements;
using ClinicApi.Features.Patients;
using ClinicApi.Features.Reports;
using ClinicApi.Features.Scheduling;
using ClinicApi.Features.Screening;
using ClinicApi.Features.Studies;
using ClinicApi.Features.Therapists;
using ClinicApi.Infrastructure;

namespace ClinicApi;

/// <summary>Service registration and the request pipeline, kept out of Program.cs so both read top to bottom.</summary>
public static class ClinicApiSetup
{
    public static WebApplicationBuilder AddClinicApi(this WebApplicationBuilder builder)
    {
        builder.AddClinicLogging();
        builder.AddClinicHeaderLimits();

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(EvidenceCatalogue.LoadEmbedded());
        services.AddClinicOptions(builder.Environment);
        services.AddClinicOutcomes();
        services.AddClinicDatabase(builder.Environment);
        services.AddClinicAudit();
        services.AddClinicJson();
        services.AddClinicProblemDetails();
        services.AddClinicValidation();
        services.AddClinicAuth(builder.Environment);
        services.AddClinicOpenApi();
        services.AddClinicHealthChecks();
        services.AddClinicHardening();
        return builder;
    }

    public static WebApplication UseClinicApi(this WebApplication app)
    {
        app.UseClinicRequestLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseClinicHardening();
        app.UseClinicHeaderLimits();

        app.UseClinicOpenApi();

        app.UseAuthentication();
        app.UseMiddleware<AuditMiddleware>();
        app.UseClinicLimits();
        app.UseAuthorization();

        app.MapHealth();
        app.MapAuth();

        var api = app.MapGroup("")
            .RequireAuthorization()
            .WithPatientDataConventions()
            .AddEndpointFilterFactory(AuditDisclosures.Filter)
            .AddEndpointFilterFactory(ClinicalFields.Filter)
            .AddEndpointFilterFactory(CareTeam.Filter)
            .AddEndpointFilterFactory(ValidationFilter.Create)
            .WithValidationProblems();
        api.MapPatients();
        api.MapCareTeams();
        api.MapTherapists();
        api.MapArms();
        api.MapEpisodes();
        api.MapScreening();
        api.MapStudies();
        api.MapEvidence();
        api.MapScheduling();
        api.MapMeasurements();
        api.MapReports();
        api.MapAudit();
        return app;
    }
}
