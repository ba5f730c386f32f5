using System.Security.Cryptography;
using System.Text.Json;
using ClinicApi.Data;
using ClinicApi.Features.Scheduling;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Infrastructure;

/// <summary>
/// <c>Idempotency-Key</c> on creating requests: a retry with the same key and body gets the first answer again
/// and never creates twice; the same key with a different body is a 422. Keys are scoped to the operation and
/// the signed-in user, and recorded in the same transaction as the change.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    private const int MaxKeyLength = 200;
    private static readonly JsonSerializerOptions s_json = CreateOptions();

    public sealed record Key(string Operation, string UserId, string Value, string RequestHash);

    /// <summary>The request's key, if it sent one; a malformed key is a 400.</summary>
    public static (Key? Key, ProblemHttpResult? Problem) Read(HttpContext http, string operation, object request)
    {
        if (!http.Request.Headers.TryGetValue(Header, out var values))
        {
            return (null, null);
        }

        var value = values.ToString().Trim();
        if (values.Count != 1 || value.Length is 0 or > MaxKeyLength)
        {
            return (null, Problems.BadRequest(Header, $"{Header} must be one value of 1 to {MaxKeyLength} characters."));
        }

        var hash = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), s_json)));
        return (new Key(operation, http.User.FindFirst(AuthSetup.SubjectClaim)?.Value ?? "anonymous", value, hash), null);
    }

    /// <summary>The first answer to this key, or a 422 when the key was used with another body; null if unused.</summary>
    public static async Task<(T? Response, string? Location, ProblemHttpResult? Problem)> FindAsync<T>(ClinicDbContext db, Key key, CancellationToken ct)
        where T : class
    {
        var record = await db.IdempotencyRecords.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Operation == key.Operation && r.UserId == key.UserId && r.Key == key.Value, ct);
        if (record is null)
        {
            return (null, null, null);
        }

        return record.RequestHash != key.RequestHash
            ? (null, null, Problems.Unprocessable($"This {Header} was already used with a different request body."))
            : (JsonSerializer.Deserialize<T>(record.ResponseBody, s_json), record.Location, null);
    }

    /// <summary>The first answer again (201 with its body and Location), a 422 for another body, or null when the key is new.</summary>
    public static async Task<Results<Created<T>, ProblemHttpResult>?> ReplayAsync<T>(ClinicDbContext db, Key key, CancellationToken ct)
        where T : class
    {
        var (previous, location, problem) = await FindAsync<T>(db, key, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (previous is null)
        {
            return null;
        }

        return TypedResults.Created(location, previous);
    }

    public static void Remember(ClinicDbContext db, Key key, int statusCode, string location, object response, DateTime now) =>
        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            Operation = key.Operation,
            UserId = key.UserId,
            Key = key.Value,
            RequestHash = key.RequestHash,
            StatusCode = statusCode,
            Location = location,
            ResponseBody = JsonSerializer.Serialize(response, response.GetType(), s_json),
            CreatedAt = now,
        });

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        JsonSetup.Configure(options);
        return options;
    }
}
