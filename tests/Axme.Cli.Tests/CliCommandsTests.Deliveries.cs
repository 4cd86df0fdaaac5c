using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>Dead letters from the CLI: deliveries list --status dead_lettered, get (every attempt), replay.</summary>
public sealed partial class CliCommandsTests
{
    [Fact]
    public async Task Deliveries_commands_show_a_dead_letter_with_its_attempts_and_replay_it()
    {
        const string secret = "cli-dead-letter-secret-0123456789ab";
        await using var receiver = await WebhookReceiver.StartAsync(secret, (_, _) => 503);
        var name = Unique("cli-dl");
        (await Fixture.A.PostAsync("/v1/service-accounts", new { name, delivery_mode = "http", webhook_url = receiver.BaseUrl + "/down", webhook_secret = secret })).Ok();
        var id = await SendAsync(name, new { order = 9 });
        var dlv = "dlv_" + Guid.Parse(id).ToString("N");
        await Poll.UntilAsync(() => Fixture.A.GetJsonAsync($"/v1/deliveries/{dlv}").ContinueWith(t => t.Result.Ok()["delivery"]!["status"].Str()),
            s => s == "dead_lettered", TimeSpan.FromSeconds(30), "the dead letter");

        var listed = await RunAsync("deliveries", "list", "--status", "dead_lettered", "--json");
        Ok(listed);
        Assert.Contains(JsonNode.Parse(listed.Stdout)!["deliveries"]!.AsArray(), d => d!["delivery_id"].Str() == dlv);
        var table = await RunAsync("deliveries", "list", "--status", "dead_lettered");
        Ok(table);
        Assert.Contains("dead_lettered", table.Stdout);

        var shown = await RunAsync("deliveries", "get", dlv);
        Ok(shown);
        Assert.Contains("503", shown.Stdout);
        Assert.Contains(receiver.BaseUrl, shown.Stdout);

        var replayed = await RunAsync("deliveries", "replay", dlv, "--json");
        Ok(replayed);
        Assert.Equal(dlv, replayed.Json["replay_of_delivery_id"].Str());
        Assert.Equal(9, replayed.Json["payload"]!["order"]!.GetValue<int>());
        Assert.Equal(2, (await RunAsync("deliveries", "get", "dlv_00000000000000000000000000000000")).ExitCode); // not found
    }
}
