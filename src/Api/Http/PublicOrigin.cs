namespace Axme.Api.Http;

/// <summary>The origin links of this node start with: Axme:Api:PublicUrl when set (behind a proxy), else the request's own.</summary>
public static class PublicOrigin
{
    public static string Of(HttpContext http, ApiOptions options) =>
        string.IsNullOrWhiteSpace(options.PublicUrl) ? $"{http.Request.Scheme}://{http.Request.Host}" : options.PublicUrl.TrimEnd('/');
}
