using System.Linq.Expressions;
using ClinicApi.Data;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ClinicApi.Infrastructure;

/// <summary>
/// Text length rules read from the EF model, so a validator and its column cannot drift apart. PostgreSQL refuses
/// a value longer than its <c>varchar(n)</c> and SQLite stores it; checked here, both providers answer the same 400.
/// </summary>
public static class ColumnRules
{
    // Built once without a connection: max lengths are configuration, the same for every provider.
    private static readonly Lazy<IModel> s_model = new(() =>
    {
        using var db = new ClinicDbContext(new DbContextOptionsBuilder<ClinicDbContext>().UseSqlite("Data Source=:memory:").Options);
        return db.Model;
    });

    /// <summary>The column's maximum length; a text column the API writes without one is a configuration bug.</summary>
    public static int MaxLength<TEntity>(Expression<Func<TEntity, string?>> column)
    {
        var name = ((MemberExpression)column.Body).Member.Name;
        return s_model.Value.FindEntityType(typeof(TEntity))?.FindProperty(name)?.GetMaxLength()
               ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{name} has no maximum length in the model.");
    }

    /// <summary>At most as long as <paramref name="column"/> (the model's <c>HasMaxLength</c>).</summary>
    public static IRuleBuilderOptions<T, string?> FitsColumn<T, TEntity>(this IRuleBuilder<T, string?> rule, Expression<Func<TEntity, string?>> column) =>
        rule.MaximumLength(MaxLength(column));
}
