using System.Security.Cryptography;

namespace Axme.Api.Web;

/// <summary>
/// The inbox stylesheet (inbox.css, embedded in the assembly) at a URL that carries its content hash, so
/// browsers may keep it for a year and a new build's stylesheet is a new URL; the CSP allows no inline styles.
/// </summary>
public static class InboxStyle
{
    private static readonly byte[] Css = Load();

    /// <summary>style.{first 12 hex digits of its SHA-256}.css</summary>
    public static string FileName { get; } = $"style.{Convert.ToHexStringLower(SHA256.HashData(Css))[..12]}.css";

    /// <summary>Where the pages link the stylesheet.</summary>
    public static string Path { get; } = "/inbox/" + FileName;

    public static IResult Get(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.Bytes(Css, "text/css; charset=utf-8");
    }

    private static byte[] Load()
    {
        using var stream = typeof(InboxStyle).Assembly.GetManifestResourceStream("Axme.Api.Web.inbox.css")
            ?? throw new InvalidOperationException("inbox.css is not embedded in " + typeof(InboxStyle).Assembly.GetName().Name);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
