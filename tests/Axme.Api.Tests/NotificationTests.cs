using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>Notification settings and the read-only notifications view, on real nodes.</summary>
[Collection(NodeCollection.Name)]
public sealed class NotificationTests(NodeFixture f)
{
    [Fact]
    public async Task An_intents_notifications_are_listed_for_its_workspace_and_refused_to_others()
    {
        var id = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.notify.v1", to_agent = f.AgentA, payload = new { } })).Ok()["intent_id"].Str();
        var list = (await f.A.GetJsonAsync($"/v1/intents/{id}/notifications")).Ok();
        Assert.Equal(id, list["intent_id"].Str());
        Assert.Empty(list["notifications"]!.AsArray());
        (await f.B.GetJsonAsync($"/v1/intents/{id}/notifications")).Error(HttpStatusCode.Forbidden, "forbidden"); // as GET /v1/intents/{id}
        (await f.A.GetJsonAsync("/v1/intents/not-a-uuid/notifications")).Error(HttpStatusCode.UnprocessableEntity, "invalid_intent_id");
    }

    [Fact]
    public async Task A_node_with_an_smtp_host_but_no_sender_refuses_to_start_and_never_prints_the_password()
    {
        const string password = "smtp-password-never-printed";
        var database = await TestPostgres.CreateDatabaseAsync("axme_notify");
        try
        {
            await using var node = new NodeProcess(database, "notify-bad", new Dictionary<string, string>
            {
                ["AXME_SMTP_HOST"] = "127.0.0.1", ["AXME_SMTP_USER"] = "axme", ["AXME_SMTP_PASSWORD"] = password,
            });
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => node.StartAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("AXME_SMTP_FROM", e.Message);
            Assert.DoesNotContain(password, node.Output);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task A_task_assignee_is_e_mailed_a_magic_link_that_opens_the_task_without_signing_in()
    {
        await using var smtp = await SmtpSink.StartAsync();
        var database = await TestPostgres.CreateDatabaseAsync("axme_mail");
        try
        {
            await using var node = new NodeProcess(database, "mail", new Dictionary<string, string>
            {
                ["AXME_SMTP_HOST"] = "127.0.0.1", ["AXME_SMTP_PORT"] = smtp.Port.ToString(), ["AXME_SMTP_FROM"] = "axme@example.com",
                ["AXME_SMTP_SECURE"] = "none",
            });
            await node.StartAsync();
            using var admin = node.CreateClient();
            var id = (await admin.PostAsync("/v1/intents", new
            {
                intent_type = "intent.test.mail.v1", to_agent = "approver",
                human_task = new { title = "Sign off the release", assignees = new[] { "human:ops@example.com" } },
            })).Ok()["intent_id"].Str();

            var mail = await Poll.UntilAsync(() => Task.FromResult(smtp.Received.FirstOrDefault()), m => m is not null, TimeSpan.FromSeconds(30), "the task e-mail");
            Assert.Equal(["ops@example.com"], mail!.EnvelopeTo);
            Assert.Equal("Task for you: Sign off the release", mail.Message.Subject);
            var link = System.Text.RegularExpressions.Regex.Match(mail.Message.TextBody ?? "", @"https?://\S+/inbox/\S+").Value;
            Assert.NotEmpty(link);
            using var browser = new HttpClient();
            var page = await browser.GetAsync(link);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Sign off the release", await page.Content.ReadAsStringAsync());
            var notifications = (await admin.GetJsonAsync($"/v1/intents/{id}/notifications")).Ok()["notifications"]!.AsArray();
            Assert.Contains(notifications, n => n!["status"].Str() == "delivered");
            // The e-mail is stored sealed: its link, which answers the task as ops@example.com, is in no row (ADR 017 §7).
            var token = link[(link.LastIndexOf('/') + 1)..];
            Assert.Equal(0L, await TestPostgres.ScalarAsync<long>(database,
                "SELECT count(*) FROM orleansstorage WHERE position(convert_to(@t, 'UTF8') in payloadbinary) > 0", ("t", token)));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }
}
