using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Tenancy;

namespace Axme.Grains.Tenancy;

/// <summary>The list of every organization (GET /v1/organizations); the organizations themselves are their own grains.</summary>
public sealed class OrganizationDirectoryGrain(
    [PersistentState(AxmeNames.OrganizationDirectoryState, AxmeNames.Storage)] IPersistentState<OrganizationDirectoryState> state)
    : Grain, IOrganizationDirectoryGrain
{
    public async Task AddAsync(string orgId)
    {
        if (state.State.OrgIds.Contains(orgId)) return;
        state.State.OrgIds.Add(orgId);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.OrgIds]);

    public Task<bool> AdoptedAsync() => Task.FromResult(state.State.Adopted);

    public async Task MarkAdoptedAsync()
    {
        if (state.State.Adopted) return;
        state.State.Adopted = true;
        await state.WriteStateAsync();
    }
}
