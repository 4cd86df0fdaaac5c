using System.Runtime.InteropServices;
using Axme.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

// Piped or captured output is read by scripts and logs: whole lines, not wrapped at Spectre's default 80 columns.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 4096;

var app = new CommandApp();
app.Configure(c =>
{
    c.SetApplicationName("axme");
    c.PropagateExceptions();
    c.AddBranch("context", b =>
    {
        b.SetDescription("Local connection settings");
        b.AddCommand<ContextSetCommand>("set").WithDescription("Store base URL, API key, org and workspace in a named context (and make it current)");
        b.AddCommand<ContextUseCommand>("use").WithDescription("Make a stored context the current one");
        b.AddCommand<ContextListCommand>("list").WithDescription("List the stored contexts (keys masked)");
        b.AddCommand<ContextShowCommand>("show").WithDescription("Show the effective settings");
    });
    c.AddCommand<WhoamiCommand>("whoami").WithDescription("Who the API key belongs to: org, workspace, account, agent address, key");
    c.AddCommand<StatusCommand>("status").WithDescription("Node health and capabilities");
    c.AddCommand<DoctorCommand>("doctor").WithDescription("Check config file, node reachability, health and the API key (exit non-zero when a check fails)");
    c.AddCommand<VersionCommand>("version").WithDescription("CLI version (and the node's, when reachable)");
    c.AddBranch("intents", b =>
    {
        b.SetDescription("Send, inspect and follow intents");
        b.AddCommand<IntentsSendCommand>("send");
        b.AddCommand<IntentsGetCommand>("get");
        b.AddCommand<IntentsListCommand>("list");
        b.AddCommand<IntentsWatchCommand>("watch").WithDescription("Follow live events until terminal (exit 0 iff COMPLETED)");
        b.AddCommand<IntentsCancelCommand>("cancel");
        b.AddCommand<IntentsLogCommand>("log");
        b.AddCommand<IntentsRetryCommand>("retry").WithDescription("Send a FAILED, CANCELED or TIMED_OUT intent again (new intent, same type, recipient and payload)");
        b.AddCommand<IntentsResumeCommand>("resume").WithDescription("Send a WAITING or FAILED intent again (re-creates it; does not call /resume)");
        b.AddCommand<IntentsCleanupCommand>("cleanup").WithDescription("Cancel inactive intents (dry run unless --dry-run=false)");
    });
    c.AddCommand<LogsCommand>("logs").WithDescription("An intent's events as log lines (level, step and time filters)");
    c.AddCommand<TraceCommand>("trace").WithDescription("An intent's timeline, where it waits and what to do next");
    c.AddBranch("tasks", b =>
    {
        b.SetDescription("Human tasks");
        b.AddCommand<TasksListCommand>("list");
        b.AddCommand<IntentsGetCommand>("get");
        b.AddCommand<TasksApproveCommand>("approve");
        b.AddCommand<TasksRejectCommand>("reject");
        b.AddCommand<TasksConfirmCommand>("confirm");
        b.AddCommand<TasksCompleteCommand>("complete");
        b.AddCommand<TasksAssignCommand>("assign");
        b.AddCommand<TasksSubmitCommand>("submit");
    });
    c.AddBranch("scenarios", b =>
    {
        b.SetDescription("Scenario bundles");
        b.AddCommand<ScenariosValidateCommand>("validate");
        b.AddCommand<ScenariosApplyCommand>("apply");
        b.AddCommand<ScenariosListTemplatesCommand>("list-templates").WithDescription("List the workflow templates (built-in and the workspace's own)");
        b.AddCommand<ScenariosCreateCommand>("create").WithDescription("Interactive wizard that writes a scenario bundle (optionally from a template) and can apply it");
        b.AddCommand<ScenariosRegisterCommand>("register").WithDescription("Register a bundle in the workspace, to start it by id");
        b.AddCommand<ScenariosListCommand>("list").WithDescription("List the workspace's registered scenarios");
        b.AddCommand<ScenariosStartCommand>("start").WithDescription("Start a registered scenario with a payload and template parameters");
        b.AddCommand<ScenariosDeleteCommand>("delete").WithDescription("Delete a registered scenario");
    });
    c.AddBranch("agents", b =>
    {
        b.SetDescription("Agents (service accounts)");
        b.AddCommand<AgentsRegisterCommand>("register");
        b.AddCommand<AgentsListCommand>("list");
        b.AddCommand<AgentsShowCommand>("show");
        b.AddCommand<AgentsDeleteCommand>("delete");
        b.AddCommand<AgentsListenCommand>("listen").WithDescription("Print the agent's deliveries as they arrive (until Ctrl-C or --count)");
        b.AddBranch("keys", k =>
        {
            k.SetDescription("An agent's API keys");
            k.AddCommand<AgentKeysCreateCommand>("create").WithDescription("Create a key (its token is shown once)");
            k.AddCommand<AgentKeysRevokeCommand>("revoke").WithDescription("Revoke a key");
        });
    });
    c.AddBranch("mesh", b =>
    {
        b.SetDescription("Agent mesh: health of the workspace's agents, kill and resume");
        b.AddCommand<MeshAgentsCommand>("agents").WithDescription("The agents with health, last heartbeat, work in flight");
        b.AddCommand<MeshKillCommand>("kill").WithDescription("Stop every delivery to an agent at once (its intents wait)");
        b.AddCommand<MeshResumeCommand>("resume").WithDescription("Resume a killed agent");
        b.AddCommand<MeshEventsCommand>("events").WithDescription("The mesh log: kills, resumes, agents coming online");
        b.AddCommand<MeshDashboardCommand>("dashboard").WithDescription("Open the mesh page of the web UI, signed in by a one-time link");
    });
    c.AddBranch("deliveries", b =>
    {
        b.SetDescription("Deliveries of intents to their principals: list (dead letters with --status dead_lettered), inspect, replay");
        b.AddCommand<DeliveriesListCommand>("list").WithDescription("The workspace's deliveries, newest first");
        b.AddCommand<DeliveriesGetCommand>("get").WithDescription("A delivery with every attempt");
        b.AddCommand<DeliveriesReplayCommand>("replay").WithDescription("Deliver a finished delivery's payload again (a new delivery)");
    });
    c.AddCommand<LoginCommand>("login").WithDescription("Sign in as a person: an e-mailed code or link, --browser, or --password (--api-key K: store a key, as context set)");
    c.AddCommand<LogoutCommand>("logout").WithDescription("End this context's session (--all-sessions: every one of yours)");
    c.AddBranch("session", b =>
    {
        b.SetDescription("Your sign-in sessions");
        b.AddCommand<SessionListCommand>("list").WithDescription("Your sessions, newest first (* this one)");
        b.AddCommand<SessionRevokeCommand>("revoke").WithDescription("End a session (--current: this one)");
    });
    c.AddBranch("org", b =>
    {
        b.SetDescription("Organizations: list, show, create (admin key), rename, suspend or archive");
        b.AddCommand<OrgListCommand>("list").WithDescription("The organizations the key may see");
        b.AddCommand<OrgShowCommand>("show").WithDescription("One organization with its counts");
        b.AddCommand<OrgCreateCommand>("create").WithDescription("Create an organization (admin key)");
        b.AddCommand<OrgUpdateCommand>("update").WithDescription("Rename it or change its status");
    });
    c.AddBranch("workspace", b =>
    {
        b.SetDescription("Workspaces of an organization: list, create, rename, suspend or archive, use");
        b.AddCommand<WorkspaceListCommand>("list").WithDescription("The organization's workspaces (* marks the context's)");
        b.AddCommand<WorkspaceCreateCommand>("create").WithDescription("Create a workspace");
        b.AddCommand<WorkspaceUpdateCommand>("update").WithDescription("Rename it or change its status");
        b.AddCommand<WorkspaceUseCommand>("use").WithDescription("Make a workspace the context's (org_id, workspace_id)");
        b.AddBranch("members", m =>
        {
            m.SetDescription("The members of one workspace (--workspace, else the context's)");
            m.AddCommand<WorkspaceMembersListCommand>("list").WithDescription("The workspace's members and the organization-wide ones");
            m.AddCommand<WorkspaceMembersIncludeCommand>("include").WithDescription("Add a member limited to the workspace");
            m.AddCommand<WorkspaceMembersExcludeCommand>("exclude").WithDescription("Remove a member limited to the workspace");
        });
    });
    c.AddBranch("member", b =>
    {
        b.SetDescription("Members of an organization: people with a role");
        b.AddCommand<MemberListCommand>("list").WithDescription("The organization's members");
        b.AddCommand<MemberAddCommand>("add").WithDescription("Add a member with a role");
        b.AddCommand<MemberUpdateCommand>("update").WithDescription("Change a member's role or status");
        b.AddCommand<MemberRemoveCommand>("remove").WithDescription("Remove a member");
    });
    c.AddBranch("quota", b =>
    {
        b.SetDescription("The workspace's quotas: what it used against its limits, and (admin key) setting them");
        b.AddCommand<QuotaShowCommand>("show").WithDescription("Each dimension's count against its limit");
        b.AddCommand<QuotaSetCommand>("set").WithDescription("Set limits, e.g. intents_per_day=50000 (admin key)");
    });
    c.AddBranch("media", b =>
    {
        b.SetDescription("Files in the workspace: upload one, show it, download it (an intent or a task's evidence names it by upload_id)");
        b.AddCommand<MediaUploadCommand>("upload").WithDescription("Upload a file (create, send, finalize with its SHA-256)");
        b.AddCommand<MediaGetCommand>("get").WithDescription("An upload: name, type, size, status, signed links");
        b.AddCommand<MediaDownloadCommand>("download").WithDescription("Download a file, checked against its SHA-256");
        b.AddCommand<MediaDeleteCommand>("delete").WithDescription("Delete a file");
    });
    c.AddBranch("examples", b =>
    {
        b.SetDescription("Built-in example scenarios");
        b.AddCommand<ExamplesListCommand>("list");
        b.AddCommand<ExamplesRunCommand>("run").WithDescription("Run a built-in example with its agents");
    });
});

// Ctrl-C and SIGTERM cancel the running command (a listener or watcher stops cleanly) instead of killing the process.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    stop.Cancel();
});

try
{
    var code = await app.RunAsync(args, stop.Token);
    return code < 0 ? ExitCodes.Usage : code;
}
catch (CommandAppException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return ExitCodes.Usage;
}
