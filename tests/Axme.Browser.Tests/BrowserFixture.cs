using Axme.Testing;
using Microsoft.Playwright;

namespace Axme.Browser.Tests;

/// <summary>
/// One real node and one headless Chromium (Debian's, driven by Playwright) shared by the browser tests.
/// Chromium missing is a failure, not a skip: browser tests are part of every run (./test.sh installs it).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>The browser binary; AXME_CHROMIUM overrides it.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("AXME_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public NodeProcess Node { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public string Database { get; private set; } = null!;
    public SmtpSink Smtp { get; private set; } = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where screenshots go: .data/test-results/screenshots under the repository root.</summary>
    public static string ScreenshotDir { get; } = Path.Combine(NodeProcess.RepositoryRoot, ".data", "test-results", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}: browser tests need it. " +
                "Install it with `apt-get install -y chromium` (./test.sh does this) or set AXME_CHROMIUM to a Chromium binary.");
        Directory.CreateDirectory(ScreenshotDir);
        Database = await TestPostgres.CreateDatabaseAsync("axme_web");
        // Mail goes to a local sink: the pages people reach from an e-mail (invitations) are followed from the mail.
        Smtp = await SmtpSink.StartAsync();
        Node = new NodeProcess(Database, "browser-tests", new Dictionary<string, string>
        {
            ["AXME_SMTP_HOST"] = "127.0.0.1", ["AXME_SMTP_PORT"] = Smtp.Port.ToString(), ["AXME_SMTP_FROM"] = "axme@example.com", ["AXME_SMTP_SECURE"] = "none",
        });
        await Node.StartAsync();
        Admin = Node.CreateClient();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // No DNS from the browser: the node is on 127.0.0.1 and nothing else is needed.
            Args = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"],
        });
    }

    /// <summary>A fresh context (own cookies) with a phone-sized viewport, so the pages are checked where they are hardest to read.</summary>
    public async Task<IPage> PageAsync()
    {
        var context = await _browser!.NewContextAsync(new() { BaseURL = Node.BaseAddress.ToString(), ViewportSize = new() { Width = 412, Height = 915 } });
        context.SetDefaultTimeout(15000);
        return await context.NewPageAsync();
    }

    /// <summary>A service account in a workspace of its own: its API client and key.</summary>
    public async Task<(HttpClient Client, string Key)> WorkspaceAsync(string name)
    {
        var (client, _, key) = await Tenants.CreateAsync(Node, Admin, "web", "w" + Guid.NewGuid().ToString("N")[..8], name);
        return (client, key);
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (Node is not null) await Node.DisposeAsync();
        if (Smtp is not null) await Smtp.DisposeAsync();
        if (Database is not null) await TestPostgres.DropDatabaseAsync(Database);
    }

}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
