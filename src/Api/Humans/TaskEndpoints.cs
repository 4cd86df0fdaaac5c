using System.Text.Json.Nodes;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Api.Intents;
using Axme.Contracts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Humans;

/// <summary>Human tasks: the caller's pending tasks (PROTOCOL §7.3) and approval decisions (§7.5).</summary>
public static class TaskEndpoints
{
    public static RouteGroupBuilder MapTaskEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/me/tasks", MyTasks).WithTags("Tasks").WithName("ListMyTasks").WithSummary("Pending human tasks: a human user's own, or every one of the key's workspace");
        v1.MapPost("/approvals/{approval_id}/decision", Decide).WithTags("Tasks").Accepts<ApprovalDecisionRequest>("application/json")
            .WithName("DecideApproval").WithSummary("Approve or reject a human task by its approval id");
        return v1;
    }

    /// <summary>
    /// A human user's key sees the tasks it may answer (TaskAccess, read with the user's current roles and
    /// teams); any other key every pending task of its workspace (PROTOCOL §7.3 recommendation).
    /// </summary>
    public static async Task<Ok<HumanTaskList>> MyTasks(HttpContext http, IntentQueries queries) =>
        TypedResults.Ok(await TaskOperations.MyTasksAsync(queries, ApiKeyAuthFilter.CallerOf(http), http.RequestAborted));

    public static async Task<Ok<ApprovalDecisionResponse>> Decide(HttpContext http, string approval_id, IGrainFactory grains)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        // The approval id is the task's intent id (ADR 011); anything else names no approval.
        if (!Guid.TryParse(approval_id, out var intentId)) throw ProtocolException.NotFound("approval", approval_id);
        var body = await RequestBody.ReadAsync(http);
        var decision = body.String("decision", 16, required: true)!.ToLowerInvariant();
        var approve = decision switch
        {
            "approve" or "approved" => true,
            "reject" or "rejected" => false,
            _ => throw ProtocolException.Invalid("decision", "decision must be approve or reject", "invalid_decision"),
        };
        var comment = body.String("comment", 1000);
        var grain = grains.GetGrain<IIntentGrain>(intentId);
        var token = Idempotency.Token(http.Request, caller, $"POST /v1/approvals/{approval_id}/decision", body);
        IntentWriteResult result;
        try
        {
            result = await grain.DecideApprovalAsync(caller, approve, comment, token);
        }
        catch (ProtocolException e) when (e.Status == 404)
        {
            throw ProtocolException.NotFound("approval", approval_id);
        }
        catch (ProtocolException e) when (e.Code is "not_waiting_for_human" or "intent_already_terminal")
        {
            throw ProtocolException.Conflict("approval_already_decided", "this approval is already decided (or its task no longer waits)");
        }
        return TypedResults.Ok(new ApprovalDecisionResponse
        {
            Approval = new ApprovalDecision
            {
                ApprovalId = approval_id,
                Decision = approve ? "approve" : "reject",
                Comment = comment,
                DecidedAt = result.Intent.UpdatedAt,
                IntentId = result.Intent.IntentId.ToString(),
                Status = result.Intent.Status,
            },
        });
    }
}
