using System.Net;
using System.Text.RegularExpressions;

namespace Axme.Testing;

/// <summary>
/// The web inbox's forms over plain HTTP, as a browser posts them (cookies kept, the antiforgery field read from the
/// page): for tests that need a page's action without a browser (the CLI sign-in approval).
/// </summary>
public sealed partial class InboxForms : IDisposable
{
    private readonly HttpClient _http;

    public InboxForms(Uri baseAddress) =>
        _http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true }) { BaseAddress = baseAddress };

    /// <summary>GETs a page: its status and HTML.</summary>
    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Submits the form of the page at <paramref name="pagePath"/> whose action is <paramref name="action"/>, with its hidden fields and these.</summary>
    public async Task<(HttpStatusCode Status, string Html)> SubmitAsync(string pagePath, string action, params (string Name, string Value)[] fields)
    {
        var (_, html) = await GetAsync(pagePath);
        var match = Forms().Matches(html).FirstOrDefault(m => WebUtility.HtmlDecode(m.Groups[1].Value) == action)
                    ?? throw new Xunit.Sdk.XunitException($"no form with action {action} on {pagePath}: {html}");
        var values = Hidden().Matches(match.Groups[2].Value).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        foreach (var (name, value) in fields) values[name] = value;
        using var response = await _http.PostAsync(action, new FormUrlEncodedContent(values));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]*)\"[^>]*>(.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex Forms();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\"")]
    private static partial Regex Hidden();
}
