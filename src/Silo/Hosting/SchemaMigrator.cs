using System.Reflection;
using System.Security.Cryptography;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>
/// Applies the embedded SQL scripts (Schema/*.sql, in name order) at every start. Each script is
/// idempotent and runs in its own transaction; an advisory lock keeps nodes that start together
/// from applying them at the same time. Applied scripts are recorded in axme_schema_history.
/// </summary>
public static class SchemaMigrator
{
    private const long LockId = 0x41584D45; // "AXME"
    private const string Prefix = "Axme.Silo.Schema.";

    public static async Task ApplyAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await Exec(conn, $"SELECT pg_advisory_lock({LockId})", ct);
        try
        {
            await Exec(conn, """
                CREATE TABLE IF NOT EXISTS axme_schema_history (
                    script     text PRIMARY KEY,
                    sha256     text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, ct);
            foreach (var (name, sql) in Scripts())
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await Exec(conn, sql, ct);
                await using var record = new NpgsqlCommand("""
                    INSERT INTO axme_schema_history (script, sha256) VALUES (@script, @sha)
                    ON CONFLICT (script) DO UPDATE SET sha256 = EXCLUDED.sha256, applied_at = now()
                    WHERE axme_schema_history.sha256 <> EXCLUDED.sha256
                    """, conn);
                record.Parameters.AddWithValue("script", name);
                record.Parameters.AddWithValue("sha", Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sql))));
                await record.ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
            }
        }
        finally
        {
            await Exec(conn, $"SELECT pg_advisory_unlock({LockId})", CancellationToken.None);
        }
    }

    /// <summary>The embedded scripts in apply order.</summary>
    public static IEnumerable<(string Name, string Sql)> Scripts()
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            yield return (resource[Prefix.Length..], reader.ReadToEnd());
        }
    }

    private static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
