using ClinicApi.Data;
using ClinicApi.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace ClinicApi.Tests;

public sealed class InfrastructureRulesTests
{
    private sealed class Versioned(int version) : IVersioned
    {
        public Guid Id { get; } = Guid.CreateVersion7();

        public int Version { get; set; } = version;
    }

    [Fact]
    public void Cursor_round_trips_and_rejects_what_it_did_not_issue()
    {
        var cursor = new NameCursor("O'Brien", "Siobhán", Guid.CreateVersion7());

        Assert.True(NameCursor.TryDecode(cursor.Encode(), out var decoded));
        Assert.Equal(cursor, decoded);
        Assert.True(NameCursor.TryDecode(null, out var none));
        Assert.Null(none);
        Assert.False(NameCursor.TryDecode("not-a-cursor", out _));
        Assert.False(NameCursor.TryDecode("WyJhIl0", out _)); // ["a"]: valid JSON, wrong shape
    }

    [Theory]
    [InlineData(null, 25)]
    [InlineData(10, 10)]
    [InlineData(100, 100)]
    [InlineData(5000, 100)]
    public void Limit_defaults_to_25_and_is_capped_at_100(int? requested, int effective) =>
        Assert.Equal(effective, NameCursor.EffectiveLimit(requested));

    [Theory]
    [InlineData("MedicalRecordNumber", "medical_record_number")]
    [InlineData("IX_patients_medical_record_number", "ix_patients_medical_record_number")]
    [InlineData("PK_therapist_competencies", "pk_therapist_competencies")]
    [InlineData("Id", "id")]
    [InlineData("Week10Score", "week10_score")]
    public void Snake_case_names(string name, string expected) => Assert.Equal(expected, SnakeCaseNames.Convert(name));

    [Theory]
    [InlineData("DateOfBirth", "dateOfBirth")]
    [InlineData("Contact.PhoneNumber", "contact.phoneNumber")]
    [InlineData("Competencies[0]", "competencies[0]")]
    public void Validation_errors_are_keyed_by_json_path(string property, string expected) =>
        Assert.Equal(expected, ValidationFilter.JsonPath(property));

    [Theory]
    [InlineData(null, Precondition.Missing)]
    [InlineData("*", Precondition.Missing)]
    [InlineData("\"3\"", Precondition.Satisfied)]
    [InlineData("\"2\", \"3\"", Precondition.Satisfied)]
    [InlineData("W/\"3\"", Precondition.Stale)]
    [InlineData("\"4\"", Precondition.Stale)]
    [InlineData("garbage", Precondition.Missing)]
    public void If_match_uses_strong_comparison_and_refuses_wildcards(string? header, Precondition expected)
    {
        var context = new DefaultHttpContext();
        if (header is not null)
        {
            context.Request.Headers.IfMatch = header;
        }

        Assert.Equal(expected, ETags.Check(context.Request, new Versioned(3)));
    }
}
