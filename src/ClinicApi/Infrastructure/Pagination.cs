using System.Buffers.Text;
using System.Text.Json;
using ClinicApi.Data;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Infrastructure;

/// <summary>One page of a keyset-paginated list; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>A position in a list ordered by (family name, given name, id): stable, and an index seek on both providers.</summary>
public sealed record NameCursor(string FamilyName, string GivenName, Guid Id)
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 100;

    /// <summary>Limits above the maximum are capped; the validators reject limits below 1.</summary>
    public static int EffectiveLimit(int? requested) => Math.Min(requested ?? DefaultLimit, MaxLimit);

    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { FamilyName, GivenName, Id.ToString() }));

    public static bool TryDecode(string? text, out NameCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(text));
            if (parts is [var family, var given, var id] && Guid.TryParse(id, out var guid))
            {
                cursor = new NameCursor(family, given, guid);
                return true;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
        }

        return false;
    }
}

public static class NamePaging
{
    public static IQueryable<T> OrderByName<T>(this IQueryable<T> query) where T : class, INamed =>
        query.OrderBy(p => p.FamilyName).ThenBy(p => p.GivenName).ThenBy(p => p.Id);

    // string.Compare is translated to SQL comparison operators (the column's collation), which is exactly the
    // order ORDER BY uses; an ordinal overload would not translate. The leading "family >= cursor" is implied by
    // the rest but is what lets the database start an index range scan at the cursor instead of walking the
    // index from the first name (a deep page cost several times the first one without it).
#pragma warning disable CA1309
    public static IQueryable<T> After<T>(this IQueryable<T> query, NameCursor? cursor) where T : class, INamed =>
        cursor is null
            ? query
            : query.Where(p => string.Compare(p.FamilyName, cursor.FamilyName) >= 0 &&
                               (string.Compare(p.FamilyName, cursor.FamilyName) > 0 ||
                               (p.FamilyName == cursor.FamilyName &&
                                (string.Compare(p.GivenName, cursor.GivenName) > 0 ||
                                 (p.GivenName == cursor.GivenName && p.Id > cursor.Id)))));
#pragma warning restore CA1309

    /// <summary>Reads one row more than the limit to know whether a next page exists.</summary>
    public static async Task<Page<TOut>> ToPageAsync<T, TOut>(this IQueryable<T> query, int limit, Func<T, TOut> map, CancellationToken ct)
        where T : class, INamed
    {
        var rows = await query.Take(limit + 1).ToListAsync(ct);
        var next = rows.Count > limit ? new NameCursor(rows[limit - 1].FamilyName, rows[limit - 1].GivenName, rows[limit - 1].Id).Encode() : null;
        return new Page<TOut>(rows.Take(limit).Select(map).ToList(), next);
    }
}
