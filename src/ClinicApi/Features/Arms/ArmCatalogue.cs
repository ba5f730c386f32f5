using ClinicApi.Data;

namespace ClinicApi.Features.Arms;

/// <summary>
/// The six arms of the evidence base (../shared/evidence/published-effects.md), with fixed ids so that every
/// clinic database has them under the same id. Seeded by migration 20261121130000_CareAndScreening.
/// All follow the trials' protocol: two sessions a week for six weeks.
/// </summary>
public static class ArmCatalogue
{
    public static readonly Guid PhysiotherapyId = new("01930000-0000-7000-8000-000000000001");
    public static readonly Guid PhysiotherapyCbtId = new("01930000-0000-7000-8000-000000000002");
    public static readonly Guid PhysiotherapyPainEducationId = new("01930000-0000-7000-8000-000000000003");
    public static readonly Guid PhysiotherapyBehaviouralId = new("01930000-0000-7000-8000-000000000004");
    public static readonly Guid IndividualisedExerciseId = new("01930000-0000-7000-8000-000000000005");
    public static readonly Guid IndividualisedExerciseCbtId = new("01930000-0000-7000-8000-000000000006");

    public sealed record Entry(
        Guid Id, string Code, string Name, string Description, SessionKind[] Kinds, string[] EvidenceIds, int? MinAge, int? MaxAge);

    public static readonly IReadOnlyList<Entry> Entries =
    [
        new(PhysiotherapyId, "physio", "Physiotherapy alone",
            "Standard physiotherapy: education on spinal anatomy, strengthening exercise, ultrasound, electrotherapy. The comparator of every figure.",
            [SessionKind.Physiotherapy], ["bemani2023-physio-pain-trajectory"], 18, null),
        new(PhysiotherapyCbtId, "physio-cbt", "Physiotherapy + cognitive behavioural therapy",
            "Physiotherapy plus CBT-based techniques: pain neuroscience education, coping strategies, anxiety management, graded exposure.",
            [SessionKind.Physiotherapy, SessionKind.CognitiveBehaviouralTherapy],
            ["ho2022-cbt-function-post", "ho2022-cbt-pain-post", "bemani2023-cbt-pain-trajectory", "bemani2023-cbt-pain-week10", "bemani2023-cbt-pain-week22",
             "bemani2023-cbt-pain-d-week22"], 18, 50),
        new(PhysiotherapyPainEducationId, "physio-pain-education", "Physiotherapy + pain education",
            "Physiotherapy plus pain education.",
            [SessionKind.Physiotherapy, SessionKind.PainEducation],
            ["ho2022-pe-function-post", "ho2022-pe-function-mid", "ho2022-pe-pain-post"], 18, null),
        new(PhysiotherapyBehaviouralId, "physio-behavioural", "Physiotherapy + behavioural therapy",
            "Physiotherapy plus behavioural therapy; the only combination that kept a clinically important pain effect at mid term.",
            [SessionKind.Physiotherapy, SessionKind.BehaviouralTherapy],
            ["ho2022-bt-pain-post", "ho2022-bt-pain-mid"], 18, null),
        new(IndividualisedExerciseId, "individualised-exercise", "Individualised exercise",
            "Exercise individualised to the patient, compared with standard exercise.",
            [SessionKind.IndividualisedExercise],
            ["fleckenstein2022-individualised-pain-short", "fleckenstein2022-individualised-disability-short"], 18, null),
        new(IndividualisedExerciseCbtId, "individualised-exercise-cbt", "Individualised exercise + CBT",
            "Individualised exercise combined with CBT (multimodal), the best arm in Fleckenstein 2022; no confirmed effect size is published for it.",
            [SessionKind.IndividualisedExercise, SessionKind.CognitiveBehaviouralTherapy], [], 18, null),
    ];

    public const int SessionsPerWeek = 2;
    public const int Weeks = 6;
}
