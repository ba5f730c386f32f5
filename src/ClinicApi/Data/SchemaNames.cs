namespace ClinicApi.Data;

/// <summary>
/// Names that the model, the error mapping and the tests share with the database objects the migrations create.
/// Migrations never read these: a migration is frozen history and spells its own literals, so editing a name
/// here cannot rewrite an applied migration. The schema test (MigrationsTests) checks that a migrated database
/// has exactly these objects, which is what keeps the two in step.
/// </summary>
public static class SchemaNames
{
    /// <summary>PostgreSQL exclusion constraints against overlapping sessions (migration 20261121150000).</summary>
    public const string TherapistOverlap = "ex_sessions_therapist_overlap";

    public const string PatientOverlap = "ex_sessions_patient_overlap";

    /// <summary>SQLite's triggers for the same guarantee, and the message they abort with.</summary>
    public const string SqliteOverlapInsertTrigger = "tr_sessions_no_overlap_insert";

    public const string SqliteOverlapUpdateTrigger = "tr_sessions_no_overlap_update";

    public const string SqliteOverlapMessage = "session_overlap";

    /// <summary>The append-only audit trail's function and triggers (migration 20261122020000).</summary>
    public const string AuditAppendOnlyFunction = "audit_events_append_only";

    public const string AuditNoUpdateTrigger = "tr_audit_events_no_update";

    public const string AuditNoTruncateTrigger = "tr_audit_events_no_truncate";

    public const string AuditNoDeleteTrigger = "tr_audit_events_no_delete";

    public const string AuditAppendOnlyMessage = "audit_events is append-only";

    /// <summary>The filter of the covering index over current scores (migration 20261122030000).</summary>
    public const string CurrentScoresFilter = "NOT superseded AND status <> 'EnteredInError'";

    /// <summary>The same filter in T-SQL, whose bit column is no predicate by itself.</summary>
    public const string SqlServerCurrentScoresFilter = "superseded = 0 AND status <> 'EnteredInError'";

    /// <summary>SQL Server's triggers against overlapping sessions (migration 20261121150000; docs/databases.md).</summary>
    public const string SqlServerOverlapInsertTrigger = "tr_sessions_no_overlap_insert";

    public const string SqlServerOverlapUpdateTrigger = "tr_sessions_no_overlap_update";

    /// <summary>The error number SQL Server's overlap triggers throw (THROW needs 50000 or more): 409.</summary>
    public const int SqlServerOverlapError = 51000;

    /// <summary>The error number SQL Server's audit trigger throws on UPDATE or DELETE.</summary>
    public const int SqlServerAuditAppendOnlyError = 51001;

    /// <summary>A booking lock could not be had (deadlock victim or cancelled): nothing was written, try again (503).</summary>
    public const int SqlServerBookingLockError = 51002;
}
