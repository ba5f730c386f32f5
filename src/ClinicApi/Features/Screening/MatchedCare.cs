using ClinicApi.Features.Arms;
using ClinicApi.Outcomes;

namespace ClinicApi.Features.Screening;

/// <summary>Stratified care as the STarT Back trials match it to risk (../shared/evidence, section 5).</summary>
public static class MatchedCare
{
    private const string Source = "Hill et al. 2008, Keele STarT Back Screening Tool; matched (stratified) care.";

    public static ArmSuggestion Suggest(StartBackRisk risk) => risk switch
    {
        StartBackRisk.High => new("suggestion", ArmCatalogue.PhysiotherapyCbtId, "physio-cbt", ["physio-behavioural", "individualised-exercise-cbt"],
            "High risk: psychologically informed physiotherapy, i.e. a combined arm.", Source),
        StartBackRisk.Medium => new("suggestion", ArmCatalogue.PhysiotherapyId, "physio", ["individualised-exercise"],
            "Medium risk: physiotherapy or individualised exercise.", Source),
        _ => new("suggestion", ArmCatalogue.PhysiotherapyPainEducationId, "physio-pain-education", [],
            "Low risk: physiotherapy with education.", Source),
    };
}
