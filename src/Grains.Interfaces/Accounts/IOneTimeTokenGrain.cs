namespace Axme.Grains.Interfaces.Accounts;

/// <summary>A token that may be used once (key: its nonce): a dashboard link (POST /v1/auth/dashboard-token).</summary>
[Alias("axme.IOneTimeTokenGrain")]
public interface IOneTimeTokenGrain : IGrainWithStringKey
{
    /// <summary>True the first time, durably; false ever after.</summary>
    [Alias("Consume")]
    Task<bool> ConsumeAsync();
}
