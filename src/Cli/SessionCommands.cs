using System.ComponentModel;
using System.Globalization;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

public sealed class LoginSettings : ContextSetSettings
{
    [CommandOption("--email <EMAIL>")]
    [Description("Your e-mail address (asked for when not given): a code and an approval link are mailed to it")]
    public string? Email { get; set; }

    [CommandOption("--browser")]
    [Description("Approve in the browser instead: a page of the web inbox, where you are signed in, shows the same code")]
    public bool Browser { get; set; }

    [CommandOption("--password")]
    [Description("Sign in with your password (asked for, not echoed; AXME_PASSWORD for scripts)")]
    public bool Password { get; set; }

    [CommandOption("--no-browser")]
    [Description("With --browser: print the approval link instead of opening it")]
    public bool NoBrowser { get; set; }
}

/// <summary>
/// axme login: signs a person in (docs/adr/027) and keeps the session in the context: by an e-mailed code or link
/// (default), in the browser (--browser), or with a password (--password). The access token is renewed with the
/// refresh token before it expires. With only --api-key it stores the key, as context set does.
/// </summary>
public sealed class LoginCommand : AxmeCommand<LoginSettings>
{
    protected override async Task<int> RunAsync(LoginSettings s, CancellationToken ct)
    {
        // axme login --api-key K: keep a key in the context, as context set does (the CLI's first login).
        if (s.ApiKey is not null && s.Email is null && !s.Browser && !s.Password) return ContextSetCommand.Store(s);
        var connection = Connection.Resolve(s);
        using var anonymous = new AxmeClient(new AxmeClientOptions { BaseUrl = connection.BaseUrl, MaxRetries = 1 });
        var grant = s.Browser ? await BrowserAsync(anonymous, s, ct)
            : s.Password ? await anonymous.LoginAsync(Email(s), Secret("Password: ", "AXME_PASSWORD"), ct)
            : await EmailAsync(anonymous, Email(s), ct);
        Sessions.Save(connection.ContextName, grant);
        if (s.Json)
            PrintJson(new System.Text.Json.Nodes.JsonObject
            {
                ["ok"] = true, ["email"] = grant.Email, ["user_id"] = grant.UserId, ["org_id"] = grant.OrgId, ["workspace_id"] = grant.WorkspaceId,
                ["session_id"] = grant.SessionId, ["context"] = connection.ContextName, ["api_key_saved"] = grant.ApiKey is not null,
            });
        else AnsiConsole.MarkupLine($"Signed in as [bold]{Esc(grant.Email)}[/] in {Esc(grant.OrgId)}/{Esc(grant.WorkspaceId)} (context {Esc(connection.ContextName)})");
        return 0;
    }

    private static async Task<SessionGrant> EmailAsync(AxmeClient client, string email, CancellationToken ct)
    {
        var pending = await client.StartEmailLoginAsync(email, ct);
        Console.Error.WriteLine($"A code and a link were sent to {email} (if it is a person's address here). Type the code, or follow the link:");
        // The code typed, or the link approved in a browser: whichever comes first.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var typed = Task.Run(() => Console.In.ReadLine(), CancellationToken.None);
        var approved = PollAsync(client, pending.GrantId, pending.ExpiresIn, stop.Token);
        while (true)
        {
            var first = await Task.WhenAny(typed, approved);
            if (first == approved) return await approved;
            if ((await typed)?.Trim() is { Length: > 0 } code)
            {
                await stop.CancelAsync();
                try
                {
                    return await client.VerifyEmailLoginAsync(pending.IntentId, code, ct);
                }
                catch (AxmeException e) when (e.Code == "login_used")
                {
                    throw new CliException(ExitCodes.Conflict, "this sign-in was already completed by its link");
                }
            }
            if (typed.IsCompleted && (await typed) is null) return await approved; // stdin closed: wait for the link
            typed = Task.Run(() => Console.In.ReadLine(), CancellationToken.None);
        }
    }

    private static async Task<SessionGrant> BrowserAsync(AxmeClient client, LoginSettings s, CancellationToken ct)
    {
        var pending = await client.StartBrowserLoginAsync(ct);
        var url = $"{pending.ApprovalUrl}&grant={Uri.EscapeDataString(pending.GrantId)}";
        Console.Error.WriteLine($"Your code: {pending.UserCode}");
        if (s.NoBrowser || !Axme.Cli.Browser.TryOpen(url)) Console.Error.WriteLine("Open this page, signed in to the web inbox, and approve the code:");
        Console.Out.WriteLine(url);
        return await PollAsync(client, pending.GrantId, pending.ExpiresIn, ct, pending.PollInterval);
    }

    private static async Task<SessionGrant> PollAsync(AxmeClient client, string grantId, int expiresIn, CancellationToken ct, int interval = 2)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(expiresIn);
        while (DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, interval)), ct);
            try
            {
                var (state, grant) = await client.PollLoginAsync(grantId, ct);
                if (grant is not null) return grant;
                if (state == "denied") throw new CliException(ExitCodes.Auth, "the sign-in was denied");
            }
            catch (AxmeException e) when ((int)e.StatusCode == 410)
            {
                throw new CliException(ExitCodes.Auth, e.Code == "login_used" ? "this sign-in was already completed" : "the sign-in expired: run axme login again");
            }
        }
        throw new CliException(ExitCodes.Auth, "the sign-in timed out: run axme login again");
    }

    private static string Email(LoginSettings s) =>
        s.Email ?? (Console.IsInputRedirected ? Console.In.ReadLine() : AnsiConsole.Ask<string>("E-mail address:"))?.Trim()
        ?? throw new CliException(ExitCodes.Usage, "pass --email");

    private static string Secret(string prompt, string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnv ? fromEnv
        : Console.IsInputRedirected ? Console.In.ReadLine() ?? ""
        : AnsiConsole.Prompt(new TextPrompt<string>(prompt).Secret());
}

public sealed class LogoutSettings : GlobalSettings
{
    [CommandOption("--all-sessions")]
    [Description("End every session of yours, on every device")]
    public bool AllSessions { get; set; }
}

/// <summary>axme logout [--all-sessions]: ends the session on the node and forgets it (and the key it came with) here.</summary>
public sealed class LogoutCommand : AxmeCommand<LogoutSettings>
{
    protected override async Task<int> RunAsync(LogoutSettings s, CancellationToken ct)
    {
        var connection = Connection.Resolve(s);
        if (connection.ActorToken is null) throw new CliException(ExitCodes.Usage, "not signed in (no session in this context)");
        using (var client = connection.CreateClient())
        {
            try
            {
                var revoked = s.AllSessions ? await client.LogoutAllAsync(ct) : await client.LogoutAsync(ct);
                if (s.Json) PrintJson(Raw(revoked));
            }
            catch (AxmeException e) when ((int)e.StatusCode == 401)
            {
                // Already over on the node: forgetting it here is all that is left.
            }
        }
        Sessions.Forget(connection.ContextName);
        if (!s.Json) AnsiConsole.MarkupLine($"Signed out (context {Esc(connection.ContextName)})");
        return 0;
    }
}

public sealed class SessionListSettings : GlobalSettings
{
    [CommandOption("--all")]
    [Description("Ended sessions too")]
    public bool All { get; set; }
}

/// <summary>axme session list [--all]: your sessions, newest first; * marks this one.</summary>
public sealed class SessionListCommand : AxmeCommand<SessionListSettings>
{
    protected override async Task<int> RunAsync(SessionListSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var list = await client.ListSessionsAsync(s.All, ct);
        if (s.Json) { PrintJson(Raw(list)); return 0; }
        var t = new Table().Border(TableBorder.Rounded).AddColumns("", "session", "how", "device", "created", "expires", "state");
        foreach (var x in list.Sessions)
            t.AddRow(x.IsCurrent ? "*" : "", Esc(x.SessionId), x.ClientType, Esc(x.DeviceLabel ?? ""), Time(x.CreatedAt), Time(x.ExpiresAt),
                x.Revoked ? "[grey]ended[/]" : "[green]active[/]");
        AnsiConsole.Write(t);
        return 0;
    }

    private static string Time(DateTimeOffset t) => t.ToString("u", CultureInfo.InvariantCulture);
}

public sealed class SessionRevokeSettings : GlobalSettings
{
    [CommandArgument(0, "[session_id]")]
    public string? Id { get; set; }

    [CommandOption("--current")]
    [Description("This context's session")]
    public bool Current { get; set; }
}

/// <summary>axme session revoke ID | --current.</summary>
public sealed class SessionRevokeCommand : AxmeCommand<SessionRevokeSettings>
{
    protected override async Task<int> RunAsync(SessionRevokeSettings s, CancellationToken ct)
    {
        var connection = Connection.Resolve(s);
        using var client = connection.CreateClient();
        var id = s.Id ?? (s.Current
            ? (await client.ListSessionsAsync(false, ct)).Sessions.FirstOrDefault(x => x.IsCurrent)?.SessionId
              ?? throw new CliException(ExitCodes.NotFound, "current account session was not found")
            : throw new CliException(ExitCodes.Usage, "name a session, or pass --current"));
        var revoked = await client.RevokeSessionAsync(id, ct);
        if (s.Current) Sessions.Forget(connection.ContextName);
        if (s.Json) PrintJson(Raw(revoked));
        else AnsiConsole.MarkupLine($"Session [bold]{Esc(id)}[/] ended");
        return 0;
    }
}

/// <summary>A context's session: saved at sign-in, renewed before it expires, forgotten at sign-out.</summary>
public static class Sessions
{
    /// <summary>Seconds before the access token's expiry when it is renewed (the official CLI: 300).</summary>
    public const int RenewBefore = 300;

    public static void Save(string contextName, SessionGrant grant)
    {
        var config = CliConfig.Load();
        if (!config.Contexts.TryGetValue(contextName, out var c)) config.Contexts[contextName] = c = new CliContext();
        c.ActorToken = grant.AccountSessionToken;
        c.RefreshToken = grant.RefreshToken;
        c.OrgId = grant.OrgId;
        c.WorkspaceId = grant.WorkspaceId;
        if (grant.ApiKey is { } key)
        {
            c.ApiKey = key;
            c.LoginKey = true;
        }
        config.Save();
    }

    public static void Forget(string contextName)
    {
        var config = CliConfig.Load();
        if (!config.Contexts.TryGetValue(contextName, out var c)) return;
        c.ActorToken = null;
        c.RefreshToken = null;
        if (c.LoginKey)
        {
            c.ApiKey = null;
            c.LoginKey = false;
        }
        config.Save();
    }

    /// <summary>
    /// The context's access token, renewed first when it expires within <see cref="RenewBefore"/> seconds and a refresh
    /// token is kept (saved at once: a refresh token is good once). A failed renewal keeps the old token: the request
    /// then says the session is over.
    /// </summary>
    public static string? Fresh(string contextName, string baseUrl, string? token)
    {
        var config = CliConfig.Load();
        if (token is null || !config.Contexts.TryGetValue(contextName, out var c) || c.RefreshToken is not { } refresh || c.ActorToken != token
            || SecondsLeft(token) is not { } left || left > RenewBefore)
            return token;
        try
        {
            using var client = new AxmeClient(new AxmeClientOptions { BaseUrl = baseUrl, MaxRetries = 1 });
            var renewed = client.RefreshSessionAsync(refresh).GetAwaiter().GetResult();
            c.ActorToken = renewed.AccessToken;
            c.RefreshToken = renewed.RefreshToken;
            config.Save();
            return renewed.AccessToken;
        }
        catch (AxmeException)
        {
            return token;
        }
    }

    /// <summary>Seconds until a JWT's exp, or null when it is not a JWT (an actor token is opaque).</summary>
    public static long? SecondsLeft(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload += new string('=', (4 - payload.Length % 4) % 4);
            var exp = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement.GetProperty("exp").GetInt64();
            return exp - DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
