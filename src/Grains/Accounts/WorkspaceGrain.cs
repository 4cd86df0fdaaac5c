using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Accounts;

/// <summary>A workspace's directory of service accounts; enforces unique names so creation is idempotent by name.</summary>
public sealed class WorkspaceGrain(
    [PersistentState(AxmeNames.WorkspaceState, AxmeNames.Storage)] IPersistentState<WorkspaceState> state) : Grain, IWorkspaceGrain
{
    public async Task<(ServiceAccountRecord Account, bool Created)> CreateServiceAccountAsync(CreateServiceAccountCommand command)
    {
        var address = AgentAddress.ForServiceAccount(command.OrgId, command.WorkspaceId, command.Name);
        if (state.State.ServiceAccounts.Find(m => m.Name == address) is { } member)
        {
            var existing = await GrainFactory.GetGrain<IServiceAccountGrain>(member.ServiceAccountId).GetAsync();
            if (existing is not null) return (existing, false);
        }
        var id = "sa_" + Guid.NewGuid().ToString("N")[..20];
        // Initialise the account before listing it: a listed id must always resolve.
        var account = await GrainFactory.GetGrain<IServiceAccountGrain>(id).InitializeAsync(command);
        // The agent address resolves once the account exists; listing comes last so a listed id always resolves.
        await GrainFactory.GetGrain<IAgentGrain>(account.AgentAddress).RegisterAsync(account);
        state.State.ServiceAccounts.Add(new WorkspaceMember { ServiceAccountId = id, Name = address });
        await state.WriteStateAsync();
        return (account, true);
    }

    public Task<IReadOnlyList<string>> ListServiceAccountIdsAsync() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.ServiceAccounts.Select(m => m.ServiceAccountId).ToArray());

    public async Task RemoveServiceAccountAsync(string serviceAccountId)
    {
        if (state.State.ServiceAccounts.RemoveAll(m => m.ServiceAccountId == serviceAccountId) > 0)
            await state.WriteStateAsync();
    }
}
