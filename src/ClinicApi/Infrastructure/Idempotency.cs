using System.Security.Cryptography;
using System.Text.Json;
using ClinicApi.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClinicApi.Infrastructure;

/// <summary>
/// <c>Idempotency-Key</c> on creating requests: a retry with the same key and body gets the first answer again
/// and never creates twice; the same key with a different body is a 422. Keys are scoped to the operation and
/// the signed-in user, and recorded in the same transaction as the change.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;
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

    /// <summary>
    /// Remembers the answer under the key (when one was sent) and commits it with the change, in one transaction.
    /// When the database refuses the change (an overlap, or the same key committed first by a racing retry) it
    /// rolls back and says so, with the first answer when a retry won the race.
    /// </summary>
    public static async Task<(bool Refused, Results<Created<T>, ProblemHttpResult>? FirstAnswer)> CommitAsync<T>(
        ClinicDbContext db, IDbContextTransaction transaction, Key? key, string location, T response, DateTime now, CancellationToken ct)
        where T : class
    {
        if (key is not null)
        {
            Remember(db, key, StatusCodes.Status201Created, location, response, now);
        }

        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (false, null);
        }
        catch (DbUpdateException e) when (DbErrors.IsOverlapViolation(e) || DbErrors.IsUniqueViolation(e))
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return (true, key is null ? null : await ReplayAsync<T>(db, key, ct));
        }
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
