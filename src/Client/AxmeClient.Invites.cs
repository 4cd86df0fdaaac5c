using System.Text.Json;

namespace Axme.Client;

public sealed partial class AxmeClient
{
    // ---- invitations (PROTOCOL §12 "Invites"; docs/adr/030) ----

    /// <summary>Invites a person into the key's workspace; the token and link are shown once (POST /v1/invites/create).</summary>
    /// <param name="request">The inviting agent (the key's own), who it is for (an e-mail address gets it mailed) and how long it lasts.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<InviteCreated> CreateInviteAsync(InviteCreateRequest request, CancellationToken ct = default) =>
        ContractJson.Read<InviteCreated>(await PostAsync("v1/invites/create", JsonSerializer.SerializeToNode(request, AxpJson.Info<InviteCreateRequest>()), ct));

    /// <summary>An invitation, read with its token (GET /v1/invites/{token}; no key needed).</summary>
    /// <param name="token">The invitation's token.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<InviteResponse> GetInviteAsync(string token, CancellationToken ct = default) =>
        ContractJson.Read<InviteResponse>(await GetAsync($"v1/invites/{Seg(token)}", ct));

    /// <summary>Accepts an invitation once with a nick: a human user and member of the inviter's workspace (POST /v1/invites/{token}/accept).</summary>
    /// <param name="token">The invitation's token.</param>
    /// <param name="request">The nick and display name.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<InviteAccepted> AcceptInviteAsync(string token, InviteAcceptRequest request, CancellationToken ct = default) =>
        ContractJson.Read<InviteAccepted>(await PostAsync($"v1/invites/{Seg(token)}/accept", JsonSerializer.SerializeToNode(request, AxpJson.Info<InviteAcceptRequest>()), ct));
}
