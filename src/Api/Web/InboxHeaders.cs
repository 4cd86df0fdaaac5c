namespace Axme.Api.Web;

/// <summary>
/// Security headers on every /inbox response, error pages and 429s included: the pages run no scripts and
/// load only their own stylesheet, so the CSP forbids everything else (the operators' dashboard, a script application,
/// gets its own); no response but the stylesheet may be stored, since the pages show task data and carry antiforgery tokens.
/// </summary>
public sealed class InboxHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Where the node mounts the Orleans Dashboard (Axme.Silo OperatorView): under /inbox for its admin sign-in.</summary>
    public const string DashboardPath = "/inbox/dashboard";

    /// <summary>The dashboard is a script application reading its own API: its own scripts, styles, fonts and fetches only.</summary>
    public const string DashboardContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        if (http.Request.Path.StartsWithSegments("/inbox"))
            // At start rather than now: the error middleware clears headers set before a failure.
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments(DashboardPath) ? DashboardContentSecurityPolicy : ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // The dashboard's scripts, styles and fonts (megabytes) are kept and revalidated by their ETag.
                if (IsDashboardAsset(http.Request.Path)) headers.CacheControl = "no-cache";
                else if (!http.Request.Path.Equals(InboxStyle.Path)) headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
        return next(http);
    }

    private static bool IsDashboardAsset(PathString path) =>
        path.StartsWithSegments(DashboardPath, out var rest) && rest.Value is { } r
        && (r.EndsWith(".js", StringComparison.Ordinal) || r.EndsWith(".css", StringComparison.Ordinal) || r.EndsWith(".ico", StringComparison.Ordinal)
            || r.StartsWith("/fonts/", StringComparison.Ordinal) || r.StartsWith("/img/", StringComparison.Ordinal));
}
