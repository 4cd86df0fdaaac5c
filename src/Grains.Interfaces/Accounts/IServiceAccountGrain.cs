namespace Axme.Grains.Interfaces.Accounts;

/// <summary>One service account and its keys (metadata and hashes only).</summary>
[Alias("axme.IServiceAccountGrain")]
public interface IServiceAccountGrain : IGrainWithStringKey
{
    /// <summary>Initialises the account (called once by its workspace).</summary>
    [Alias("Initialize")]
    Task<ServiceAccountRecord> InitializeAsync(CreateServiceAccountCommand command);

    /// <summary>The account, or null if it never existed.</summary>
    [Alias("Get")]
    Task<ServiceAccountRecord?> GetAsync();

    /// <summary>Creates a key and returns its token once.</summary>
    [Alias("CreateKey")]
    Task<CreatedApiKey> CreateKeyAsync(DateTimeOffset? expiresAt, string? presetToken = null);

    /// <summary>Creates a key only when the account has no active key (bootstrap of the first admin key); null otherwise.</summary>
    [Alias("CreateFirstKey")]
    Task<CreatedApiKey?> CreateFirstKeyAsync();

    /// <summary>Binds every key of the account with (or without) AgentKilled, and keys created later alike (the mesh's kill).</summary>
    [Alias("SetAgentKilled")]
    Task SetAgentKilledAsync(bool killed);

    /// <summary>Revokes one key.</summary>
    [Alias("RevokeKey")]
    Task<ApiKeyRecord> RevokeKeyAsync(string keyId);

    /// <summary>Changes a human user's display name, e-mail, roles or teams (404 for other accounts).</summary>
    [Alias("UpdateHuman")]
    Task<ServiceAccountRecord> UpdateHumanAsync(UpdateHumanCommand command);

    /// <summary>Revokes all keys and marks the account deleted.</summary>
    [Alias("Delete")]
    Task<ServiceAccountRecord> DeleteAsync();
}
