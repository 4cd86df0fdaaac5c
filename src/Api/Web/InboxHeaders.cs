namespace Axme.Api.Web;

/// <summary>
/// Security headers on every /inbox response, error pages and 429s included: the pages run no scripts and
/// load only their own stylesheet, so the CSP forbids everything else; no response but the stylesheet may be
/// stored, since the pages show task data and carry antiforgery tokens.
/// </summary>
public sealed class InboxHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        if (http.Request.Path.StartsWithSegments("/inbox"))
            // At start rather than now: the error middleware clears headers set before a failure.
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                if (!http.Request.Path.Equals(InboxStyle.Path)) headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
        return next(http);
    }
}
