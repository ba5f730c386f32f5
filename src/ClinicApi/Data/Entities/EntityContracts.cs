namespace ClinicApi.Data;

/// <summary>A resource that carries a version for optimistic concurrency (exposed as its ETag).</summary>
public interface IVersioned
{
    Guid Id { get; }

    int Version { get; set; }
}

/// <summary>People listed alphabetically: patients and therapists.</summary>
public interface INamed
{
    Guid Id { get; }
    string FamilyName { get; }
    string GivenName { get; }
}
