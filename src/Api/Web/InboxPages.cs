using Axme.Api.Humans;
using Axme.Api.Intents;
using Axme.Api.Media;
using Axme.Api.Web.Components;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Axme.Api.Web;

/// <summary>
/// The web inbox for humans signed in with an API key: pending and answered tasks, one task with its
/// payload, timeline and answer form, and any intent's timeline. Static server-rendered Razor components;
/// every POST carries an antiforgery token; the answer goes through the intent grain's own rules.
/// </summary>
public static class InboxPages
{
    private const int AnsweredShown = 20;

    public static WebApplication MapInboxPages(this WebApplication app)
    {
        var inbox = app.MapGroup("/inbox").ExcludeFromDescription();
        inbox.MapGet("", Home);
        inbox.MapGet("/" + InboxStyle.FileName, InboxStyle.Get);
        inbox.MapPost("/signin", SignIn).RequireRateLimiting(InboxRateLimit.Name);
        inbox.MapPost("/signin/password", SignInWithPassword).RequireRateLimiting(InboxRateLimit.Name);
        LoginApprovalPages.Map(inbox);
        InvitePages.Map(inbox);
        inbox.MapPost("/signout", SignOut);
        inbox.MapGet("/tasks/{intent_id}", ShowTask);
        inbox.MapPost("/tasks/{intent_id}", AnswerTask).WithFilesUpTo(app);
        inbox.MapGet("/intents/{intent_id}", ShowIntent);
        inbox.MapGet("/m/{token}", MagicLinkPages.Show);
        inbox.MapPost("/m/{token}", MagicLinkPages.Answer).RequireRateLimiting(InboxRateLimit.Name).WithFilesUpTo(app);
        inbox.MapGet("/mesh", Mesh.MeshDashboard.PageAsync);
        inbox.MapPost("/mesh/{address_id}/{action}", Mesh.MeshDashboard.ActAsync);
        inbox.MapPost("/mesh/deliveries/{delivery_id}/replay", Mesh.MeshDashboard.ReplayAsync);
        app.MapGet(Mesh.MeshDashboard.ExchangePath, (HttpContext http, Mesh.MeshDashboard dashboard) => dashboard.ExchangeAsync(http)).ExcludeFromDescription();
        return app;
    }

    public static async Task<IResult> Home(HttpContext http, InboxSession session, IntentQueries queries, IOptions<ApiOptions> options)
    {
        if (await session.CallerAsync(http) is not { } caller) return SignInPage(http, null, 200);
        var pending = await queries.PendingTasksAsync(caller, TaskOperations.MaxTasks, http.RequestAborted);
        var answered = await queries.AnsweredTasksAsync(caller, AnsweredShown, http.RequestAborted);
        return Render<TaskListPage>(new()
        {
            [nameof(TaskListPage.User)] = Who(caller),
            [nameof(TaskListPage.Token)] = Token(http),
            [nameof(TaskListPage.Pending)] = pending,
            [nameof(TaskListPage.Answered)] = answered,
            [nameof(TaskListPage.Dashboard)] = caller.IsAdmin && options.Value.Dashboard,
        });
    }

    public static async Task<IResult> SignIn(HttpContext http, [FromForm(Name = "api_key")] string? apiKey, InboxSession session)
    {
        if (apiKey is null || await session.AuthenticateAsync(apiKey) is null)
            return SignInPage(http, "That API key is not valid (unknown, revoked or expired).", 401);
        session.SignIn(http, apiKey);
        return TypedResults.Redirect("/inbox");
    }

    /// <summary>A person signs in with e-mail address and password (docs/adr/027): the inbox holds their session.</summary>
    public static async Task<IResult> SignInWithPassword(HttpContext http, [FromForm(Name = "email")] string? email, [FromForm(Name = "password")] string? password,
        InboxSession session, Sessions.SessionOperations sessions)
    {
        try
        {
            var grant = await sessions.PasswordSignInAsync(http, email ?? "", password ?? "", "web");
            session.SignInSession(http, grant.SessionId);
            return TypedResults.Redirect(http.Request.Query["return"] is [{ } back] && back.StartsWith("/inbox/", StringComparison.Ordinal) ? back : "/inbox");
        }
        catch (ProtocolException e) when (e.Status is 401 or 422 or 429)
        {
            return SignInPage(http, e.Status == 429 ? "Too many failed sign-ins for this address: try again later." : "Wrong e-mail address or password.", e.Status);
        }
    }

    public static async Task<IResult> SignOut(HttpContext http, [FromForm] IFormCollection form, InboxSession session, IGrainFactory grains)
    {
        // A person's session ends with it, not only this browser's cookie.
        if (session.SessionIdOf(http) is { } sessionId) await grains.GetGrain<Grains.Interfaces.People.ISessionGrain>(sessionId).RevokeAsync();
        InboxSession.SignOut(http);
        return TypedResults.Redirect("/inbox");
    }

    public static async Task<IResult> ShowTask(HttpContext http, string intent_id, InboxSession session, IGrainFactory grains)
    {
        if (await session.CallerAsync(http) is not { } caller) return SignInPage(http, null, 401);
        return await WithIntentAsync(http, caller, intent_id, grains, (intent, events) => intent.HumanTaskJson is null
            ? Task.FromResult(Message(http, caller, "No task", "This intent has no human task.", 404))
            : TaskPageAsync(http, intent, events, $"/inbox/tasks/{intent.IntentId}", Who(caller), null));
    }

    public static async Task<IResult> AnswerTask(HttpContext http, string intent_id, [FromForm] IFormCollection form, InboxSession session, IGrainFactory grains)
    {
        if (await session.CallerAsync(http) is not { } caller) return SignInPage(http, null, 401);
        return await WithIntentAsync(http, caller, intent_id, grains, async (intent, events) =>
        {
            if (intent.HumanTaskJson is null) return Message(http, caller, "No task", "This intent has no human task.", 404);
            try
            {
                await AnswerWithFilesAsync(http, intent, caller.AgentAddress, caller.ServiceAccountId, form, answer =>
                    grains.GetGrain<IIntentGrain>(intent.IntentId).ResumeAsync(caller, new ResumeCommand { Kind = ResumeKind.TaskResult, BodyJson = answer }, null));
            }
            catch (ProtocolException e) when (e.Status == 422)
            {
                return await TaskPageAsync(http, intent, events, $"/inbox/tasks/{intent.IntentId}", Who(caller), null, e, form);
            }
            return TypedResults.Redirect($"/inbox/intents/{intent.IntentId}?answered=1");
        });
    }

    public static async Task<IResult> ShowIntent(HttpContext http, string intent_id, InboxSession session, IGrainFactory grains)
    {
        if (await session.CallerAsync(http) is not { } caller) return SignInPage(http, null, 401);
        return await WithIntentAsync(http, caller, intent_id, grains, async (intent, events) => Render<TimelinePage>(new()
        {
            [nameof(TimelinePage.Intent)] = intent,
            [nameof(TimelinePage.Events)] = events,
            [nameof(TimelinePage.Attachments)] = await Attachments(http, intent),
            [nameof(TimelinePage.User)] = Who(caller),
            [nameof(TimelinePage.Token)] = Token(http),
            [nameof(TimelinePage.Notice)] = http.Request.Query.ContainsKey("answered") ? $"Your answer was recorded. The intent is now {intent.Status}." : null,
        }));
    }

    /// <summary>Loads an intent and its events as the caller sees them; refusals become pages, not JSON.</summary>
    private static async Task<IResult> WithIntentAsync(HttpContext http, Caller caller, string intentId, IGrainFactory grains,
        Func<IntentRecord, IReadOnlyList<IntentEvent>, Task<IResult>> render)
    {
        if (!Guid.TryParse(intentId, out var id)) return Message(http, caller, "Not found", "There is no such intent.", 404);
        try
        {
            var grain = grains.GetGrain<IIntentGrain>(id);
            return await render(await grain.GetAsync(caller), await grain.GetEventsAsync(caller, 0));
        }
        catch (ProtocolException e) when (e.Status is >= 400 and < 500)
        {
            return Message(http, caller, e.Status == 404 ? "Not found" : "Not allowed", e.Message, e.Status);
        }
    }

    /// <summary>A task with its answer form and the files it names; after a 422 the same form with the server's messages beside the inputs.</summary>
    public static async Task<IResult> TaskPageAsync(HttpContext http, IntentRecord intent, IReadOnlyList<IntentEvent> events, string action, string? user,
        string? assignee, ProtocolException? refusal = null, IFormCollection? form = null) =>
        Render<TaskPage>(new()
        {
            [nameof(Components.TaskPage.Intent)] = intent,
            [nameof(Components.TaskPage.Events)] = events,
            [nameof(Components.TaskPage.Attachments)] = await Attachments(http, intent),
            [nameof(Components.TaskPage.Action)] = action,
            [nameof(Components.TaskPage.Token)] = Token(http),
            [nameof(Components.TaskPage.User)] = user,
            [nameof(Components.TaskPage.Assignee)] = assignee,
            [nameof(Components.TaskPage.Error)] = refusal?.Message,
            [nameof(Components.TaskPage.Errors)] = refusal is null ? new Dictionary<string, string>() : TaskForm.Errors(refusal),
            [nameof(Components.TaskPage.Values)] = form is null ? new Dictionary<string, string>() : TaskForm.Values(form),
        }, refusal?.Status ?? 200);

    /// <summary>
    /// Stores the files posted with an answer (the form's evidence input), then answers with the evidence naming them; the
    /// files go again if the answer is refused. A file the node does not take is a 422 on the files input.
    /// </summary>
    public static async Task<T> AnswerWithFilesAsync<T>(HttpContext http, IntentRecord intent, string owner, string createdBy, IFormCollection form,
        Func<string, Task<T>> answer)
    {
        var media = http.RequestServices.GetRequiredService<MediaOperations>();
        JsonArray evidence;
        IReadOnlyList<Guid> stored;
        try
        {
            (evidence, stored) = await media.AttachAsync(intent, owner, createdBy, form.Files.GetFiles(TaskForm.EvidenceInput), http.RequestAborted);
        }
        catch (ProtocolException e) when (e.Status is >= 400 and < 500)
        {
            throw new ProtocolException(422, e.Code, $"A file was refused: {e.Message}", new Dictionary<string, string> { ["field"] = "task_result.evidence" });
        }
        try
        {
            return await answer(TaskForm.Parse(intent.HumanTaskJson!).Answer(form, evidence));
        }
        catch
        {
            await media.ForgetAsync(stored);
            throw;
        }
    }

    /// <summary>Room for files on a page whose form takes them: the node's body limit is for JSON, a file may reach the media limit.</summary>
    private static RouteHandlerBuilder WithFilesUpTo(this RouteHandlerBuilder route, WebApplication app)
    {
        var limit = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.MediaMaxBytes + FormOverhead;
        return route.WithMetadata(new RequestSizeLimitAttribute(limit)).WithFormOptions(multipartBodyLengthLimit: limit);
    }

    /// <summary>What a form adds around its files: the other inputs, boundaries, headers.</summary>
    private const long FormOverhead = 1024 * 1024;

    private static Task<IReadOnlyList<MediaAttachment>> Attachments(HttpContext http, IntentRecord intent) =>
        http.RequestServices.GetRequiredService<MediaOperations>().AttachmentsAsync(http, intent, http.RequestAborted);

    public static IResult Message(HttpContext http, Caller? caller, string title, string message, int status) =>
        Render<MessagePage>(new()
        {
            [nameof(MessagePage.Title)] = title,
            [nameof(MessagePage.Message)] = message,
            [nameof(MessagePage.Problem)] = status >= 400,
            [nameof(MessagePage.User)] = caller is null ? null : Who(caller),
            [nameof(MessagePage.Token)] = caller is null ? null : Token(http),
        }, status);

    /// <summary>The sign-in page, for a page that needs a signed-in caller.</summary>
    public static IResult SignInRequired(HttpContext http) => SignInPage(http, null, 401);

    /// <summary>The sign-in page of a page that needs a signed-in person; the password sign-in comes back to it.</summary>
    public static IResult SignInRequired(HttpContext http, string returnTo) =>
        Render<SignInPage>(new()
        {
            [nameof(Components.SignInPage.Token)] = Token(http), [nameof(Components.SignInPage.ReturnTo)] = returnTo,
            [nameof(Components.SignInPage.Error)] = "Sign in as yourself (e-mail address and password) to continue.",
        }, 401);

    /// <summary>The antiforgery token of a page's forms.</summary>
    public static FormToken FormTokenOf(HttpContext http) => Token(http);

    private static IResult SignInPage(HttpContext http, string? error, int status) =>
        Render<SignInPage>(new() { [nameof(Components.SignInPage.Token)] = Token(http), [nameof(Components.SignInPage.Error)] = error }, status);

    public static RazorComponentResult<T> Render<T>(Dictionary<string, object?> parameters, int status = 200) where T : Microsoft.AspNetCore.Components.IComponent =>
        new(parameters) { StatusCode = status };

    private static FormToken Token(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return new FormToken(tokens.FormFieldName, tokens.RequestToken!);
    }

    private static string Who(Caller caller) => caller.AgentAddress;
}
