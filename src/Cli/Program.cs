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
        b.AddCommand<ContextSetCommand>("set").WithDescription("Store base URL, API key, org and workspace");
        b.AddCommand<ContextShowCommand>("show").WithDescription("Show the effective settings");
    });
    c.AddCommand<ContextSetCommand>("login").WithDescription("Store an API key (same as context set)");
    c.AddCommand<StatusCommand>("status").WithDescription("Node health and capabilities");
    c.AddBranch("intents", b =>
    {
        b.SetDescription("Send, inspect and follow intents");
        b.AddCommand<IntentsSendCommand>("send");
        b.AddCommand<IntentsGetCommand>("get");
        b.AddCommand<IntentsListCommand>("list");
        b.AddCommand<IntentsWatchCommand>("watch").WithDescription("Follow live events until terminal (exit 0 iff COMPLETED)");
        b.AddCommand<IntentsCancelCommand>("cancel");
        b.AddCommand<IntentsLogCommand>("log");
    });
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
    });
    c.AddBranch("agents", b =>
    {
        b.SetDescription("Agents (service accounts)");
        b.AddCommand<AgentsRegisterCommand>("register");
        b.AddCommand<AgentsListCommand>("list");
        b.AddCommand<AgentsShowCommand>("show");
        b.AddCommand<AgentsDeleteCommand>("delete");
    });
    c.AddBranch("examples", b =>
    {
        b.SetDescription("Built-in example scenarios");
        b.AddCommand<ExamplesListCommand>("list");
        b.AddCommand<ExamplesRunCommand>("run").WithDescription("Run a built-in example with its agents");
    });
});

try
{
    var code = await app.RunAsync(args);
    return code < 0 ? ExitCodes.Usage : code;
}
catch (CommandAppException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return ExitCodes.Usage;
}
