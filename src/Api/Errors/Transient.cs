using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Errors;

/// <summary>
/// Failures a client should simply retry (with its Idempotency-Key): PostgreSQL unreachable, restarting or refusing
/// connections; a silo dead or being evicted from the cluster, or too busy; a call that timed out; two activations
/// of one grain racing. They answer 503 with Retry-After, never 500. The whole chain of inner exceptions is looked
/// at, since Orleans and the storage providers wrap what they catch.
/// </summary>
public static class Transient
{
    /// <summary>Seconds a client waits before it retries a transient failure (the Retry-After of those 503s).</summary>
    public const int RetryAfterSeconds = 1;

    public static bool Is(Exception e)
    {
        for (var x = (Exception?)e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case ProtocolException p:
                    return p.Status == 503;
                case Npgsql.PostgresException p:
                    return p.IsTransient || SqlState(p) is { } state && (state.StartsWith("08", StringComparison.Ordinal)
                        || state.StartsWith("57P", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal));
                case Npgsql.NpgsqlException:
                    // Not a refusal by the server (that is a PostgresException): the connection failed, broke or timed out.
                    return true;
                case System.Net.Sockets.SocketException or TimeoutException:
                case Orleans.Storage.InconsistentStateException:
                case SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException or ClientNotAvailableException:
                case Orleans.Runtime.Messaging.ConnectionFailedException or Orleans.Networking.Shared.SocketConnectionException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The SQLSTATE of a server error. One that crossed silos (a grain's activation failed on another silo) keeps only
    /// its base exception's fields, so its SqlState is gone, but its message still starts with it ("57P01: terminating
    /// connection…"): PostgreSQL shutting down or starting up was answered 500 until this read it from there.
    /// </summary>
    public static string? SqlState(Npgsql.PostgresException p) =>
        p.SqlState is { Length: 5 } state ? state
        : p.Message is { Length: > 6 } m && m[5] == ':' && m[..5].All(char.IsAsciiLetterOrDigit) ? m[..5] : null;

    /// <summary>Whether <typeparamref name="T"/> is the exception or anywhere in its chain of inner exceptions.</summary>
    public static bool Caused<T>(Exception e) where T : Exception
    {
        for (var x = (Exception?)e; x is not null; x = x.InnerException)
            if (x is T) return true;
        return false;
    }

    /// <summary>
    /// The refusal of a grain whose write lost a race with another activation of itself (which happens while the
    /// cluster's membership changes): nothing was written, and the activation is gone, so the call can be made again.
    /// </summary>
    public const string WriteRaced = "the write raced another activation of the same grain; retry (with the same Idempotency-Key)";

    /// <summary>The refusal a transient failure becomes: serialisable across silos, and read by every client the same way.</summary>
    public static ProtocolException Unavailable(Exception e) => new(503, "unavailable",
        e is Orleans.Storage.InconsistentStateException
            ? WriteRaced
            : "the database or the cluster is unavailable for the moment; retry (with the same Idempotency-Key)",
        new Dictionary<string, string> { ["retry_after"] = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}
