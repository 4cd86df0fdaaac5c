namespace Axme.Contracts;

/// <summary>POST /v1/auth/login and /v1/auth/register-password (docs/adr/027): a person by e-mail address and password.</summary>
public sealed record PasswordSignInRequest
{
    /// <summary>The person's e-mail address (that of their human user accounts).</summary>
    public required string Email { get; init; }
    /// <summary>The password: 10-256 characters.</summary>
    public required string Password { get; init; }
}

/// <summary>
/// A session opened by a sign-in: the short-lived access token (a JWT whose exp the CLI reads; send it as
/// Authorization: Bearer) and the refresh token that renews it, with the workspace it acts in.
/// </summary>
public sealed record SessionGrant
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The access token (JWT, 15 minutes by default).</summary>
    public required string AccountSessionToken { get; init; }
    /// <summary>The same token, by the name OAuth clients and POST /v1/auth/refresh use.</summary>
    public required string AccessToken { get; init; }
    /// <summary>Renews the access token once (POST /v1/auth/refresh); 30 days by default.</summary>
    public required string RefreshToken { get; init; }
    /// <summary>Always Bearer.</summary>
    public string TokenType { get; init; } = "Bearer";
    /// <summary>Seconds until the access token expires.</summary>
    public required int ExpiresIn { get; init; }
    /// <summary>When the access token expires.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>The session.</summary>
    public required string SessionId { get; init; }
    /// <summary>The person's account the session acts as.</summary>
    public required string UserId { get; init; }
    /// <summary>The person's e-mail address.</summary>
    public required string Email { get; init; }
    /// <summary>The organization of that account.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>
    /// The CLI's sign-ins (e-mail code, browser approval): an API key of the person's account, shown once, revoked with
    /// the session. Absent from password sign-ins.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? ApiKey { get; init; }
    /// <summary>approved, on a CLI sign-in's pick-up (GET /v1/auth/cli-grants/{id}).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? State { get; init; }
}

/// <summary>POST /v1/auth/login-intent: an e-mail sign-in for the CLI.</summary>
public sealed record LoginIntentRequest
{
    /// <summary>The person's e-mail address: a code and a link go there (when it is a person's).</summary>
    public required string Email { get; init; }
}

/// <summary>
/// POST /v1/auth/login-intent and POST /v1/auth/cli-grants: a pending CLI sign-in. The same answer for every address,
/// so it does not tell who has an account.
/// </summary>
public sealed record LoginPending
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The sign-in (verify a code with POST /v1/auth/login-intent/{intent_id}/verify).</summary>
    public required string IntentId { get; init; }
    /// <summary>The same id, to poll with GET /v1/auth/cli-grants/{grant_id}.</summary>
    public required string GrantId { get; init; }
    /// <summary>Seconds until it expires.</summary>
    public required int ExpiresIn { get; init; }
    /// <summary>Seconds between polls.</summary>
    public int PollInterval { get; init; } = 2;
    /// <summary>A browser sign-in's code, shown by the CLI and on the approval page.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? UserCode { get; init; }
    /// <summary>A browser sign-in's approval page (it has a query already: the CLI appends &amp;grant=…).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? ApprovalUrl { get; init; }
}

/// <summary>GET /v1/auth/cli-grants/{id} while it is not approved: pending or denied (expired and used ones are 410).</summary>
public sealed record LoginState
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>pending or denied.</summary>
    public required string State { get; init; }
    /// <summary>The sign-in.</summary>
    public required string GrantId { get; init; }
}

/// <summary>POST /v1/auth/login-intent/{intent_id}/verify.</summary>
public sealed record LoginVerifyRequest
{
    /// <summary>The six-digit code of the e-mail.</summary>
    public required string Code { get; init; }
}

/// <summary>POST /v1/auth/refresh.</summary>
public sealed record RefreshRequest
{
    /// <summary>The refresh token of the session (good once: the answer carries the next one).</summary>
    public required string RefreshToken { get; init; }
}

/// <summary>POST /v1/auth/refresh: a new access token and the next refresh token (the presented one is spent).</summary>
public sealed record RefreshResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The new access token.</summary>
    public required string AccessToken { get; init; }
    /// <summary>The same token, by the sign-in answers' name.</summary>
    public required string AccountSessionToken { get; init; }
    /// <summary>The next refresh token.</summary>
    public required string RefreshToken { get; init; }
    /// <summary>Always Bearer.</summary>
    public string TokenType { get; init; } = "Bearer";
    /// <summary>Seconds until the access token expires.</summary>
    public required int ExpiresIn { get; init; }
}

/// <summary>One session of a person (GET /v1/auth/sessions).</summary>
public sealed record AccountSession
{
    /// <summary>The session.</summary>
    public required string SessionId { get; init; }
    /// <summary>True for the session the request was made with.</summary>
    public required bool IsCurrent { get; init; }
    /// <summary>How it was opened: password, register, email_link or cli_grant.</summary>
    public required string ClientType { get; init; }
    /// <summary>The client's User-Agent at sign-in.</summary>
    public required string? DeviceLabel { get; init; }
    /// <summary>The client's address at sign-in.</summary>
    public required string? IpAddress { get; init; }
    /// <summary>The account it acts as now.</summary>
    public required string UserId { get; init; }
    /// <summary>When it was opened.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it was last refreshed or switched.</summary>
    public required DateTimeOffset LastUsedAt { get; init; }
    /// <summary>When its refresh token stops working.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>When it was revoked, or null.</summary>
    public required DateTimeOffset? RevokedAt { get; init; }
    /// <summary>True once revoked.</summary>
    public required bool Revoked { get; init; }
}

/// <summary>GET /v1/auth/sessions[?include_revoked=true]: the person's sessions, newest first.</summary>
public sealed record AccountSessionList
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The sessions.</summary>
    public required IReadOnlyList<AccountSession> Sessions { get; init; }
}

/// <summary>POST /v1/auth/sessions/revoke.</summary>
public sealed record SessionRevokeRequest
{
    /// <summary>One of the person's sessions.</summary>
    public required string SessionId { get; init; }
}

/// <summary>POST /v1/auth/sessions/revoke, /v1/auth/logout and /v1/auth/logout-all.</summary>
public sealed record SessionsRevoked
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>Always true.</summary>
    public bool Revoked { get; init; } = true;
    /// <summary>The sessions revoked by this call (already revoked ones are not counted).</summary>
    public required int RevokedCount { get; init; }
    /// <summary>The session, for a revoke of one.</summary>
    public string? SessionId { get; init; }
}

/// <summary>An organization as the personal context lists it.</summary>
public sealed record PersonalOrganization
{
    /// <summary>Its id.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its name.</summary>
    public required string Name { get; init; }
    /// <summary>Its status.</summary>
    public required string Status { get; init; }
    /// <summary>The person's roles there: their member roles and their accounts' roles.</summary>
    public required IReadOnlyList<string> Roles { get; init; }
    /// <summary>The workspaces of it the person has an account in.</summary>
    public required IReadOnlyList<PersonalWorkspace> Workspaces { get; init; }
}

/// <summary>A workspace the person has an account in.</summary>
public sealed record PersonalWorkspace
{
    /// <summary>Its id.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Its name.</summary>
    public required string Name { get; init; }
    /// <summary>Its organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>Its organization's name.</summary>
    public required string OrgName { get; init; }
    /// <summary>sandbox, staging or production.</summary>
    public required string Environment { get; init; }
    /// <summary>Its status.</summary>
    public required string Status { get; init; }
    /// <summary>The roles of the person's account there.</summary>
    public required IReadOnlyList<string> Roles { get; init; }
    /// <summary>The person's account there.</summary>
    public required string UserId { get; init; }
}

/// <summary>The org and workspace a request acts in.</summary>
public sealed record PersonalSelection
{
    /// <summary>The organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>The workspace.</summary>
    public required string WorkspaceId { get; init; }
}

/// <summary>The person behind a request.</summary>
public sealed record PersonalAccount
{
    /// <summary>Their e-mail address.</summary>
    public required string Email { get; init; }
    /// <summary>The account the request acts as.</summary>
    public required string UserId { get; init; }
    /// <summary>Its display name.</summary>
    public required string? DisplayName { get; init; }
}

/// <summary>How many workspaces the person may pick from.</summary>
public sealed record PersonalGuidance
{
    /// <summary>The count.</summary>
    public required int WorkspaceCount { get; init; }
}

/// <summary>GET /v1/portal/personal/context and POST /v1/portal/personal/workspace-selection (PROTOCOL §11.2).</summary>
public sealed record PersonalContext
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>Where the request acts.</summary>
    public required PersonalSelection Context { get; init; }
    /// <summary>The person.</summary>
    public required PersonalAccount Account { get; init; }
    /// <summary>The organization acted in.</summary>
    public required PersonalOrganization SelectedOrganization { get; init; }
    /// <summary>The workspace acted in.</summary>
    public required PersonalWorkspace SelectedWorkspace { get; init; }
    /// <summary>Counts for the CLI's hints.</summary>
    public required PersonalGuidance Guidance { get; init; }
    /// <summary>Every organization the person has an account in.</summary>
    public required IReadOnlyList<PersonalOrganization> Organizations { get; init; }
    /// <summary>Every workspace the person has an account in.</summary>
    public required IReadOnlyList<PersonalWorkspace> Workspaces { get; init; }
}

/// <summary>POST /v1/portal/personal/workspace-selection.</summary>
public sealed record WorkspaceSelectionRequest
{
    /// <summary>The organization.</summary>
    public required string OrgId { get; init; }
    /// <summary>The workspace (the person must have an account in it).</summary>
    public required string WorkspaceId { get; init; }
}
