using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Axme.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NSwag;
using NSwag.CodeGeneration.CSharp;

namespace Axme.Api.Tests;

/// <summary>
/// The OpenAPI document is good enough to build a client from (issue 13 item 2): NSwag generates a C# client from the
/// running node's /openapi/v1.json, Roslyn compiles it with a small driver, and the driver runs create → resolve → get
/// against the node with nothing but the generated types.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class OpenApiClientTests(NodeFixture f)
{
    /// <summary>Written against the generated names: a renamed operation or member stops it compiling.</summary>
    private const string Driver = """
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading.Tasks;

        namespace Generated;

        public static class Driver
        {
            public static async Task<string[]> RunAsync(HttpClient http, string toAgent)
            {
                var client = new AxmeNodeClient(http);
                var created = await client.CreateIntentAsync(new CreateIntentRequest
                {
                    Intent_type = "intent.generated.client.v1",
                    Correlation_id = System.Guid.NewGuid().ToString(),
                    To_agent = toAgent,
                    Payload = new JsonObject { AdditionalProperties = new Dictionary<string, object> { ["question"] = "generated?" } },
                });
                var resolved = await client.ResolveIntentAsync(created.Intent_id, new ResolveIntentRequest
                {
                    Status = "COMPLETED",
                    Result = new JsonObject { AdditionalProperties = new Dictionary<string, object> { ["answer"] = "yes" } },
                });
                var got = await client.GetIntentAsync(created.Intent_id);
                return [created.Intent_id, created.Status, resolved.Applied.ToString(), resolved.Event.Event_type, got.Intent.Status,
                    got.Intent.Intent_type, got.Intent.Created_at.ToString("O")];
            }
        }
        """;

    [Fact]
    public async Task A_client_generated_from_the_document_creates_resolves_and_gets_an_intent()
    {
        var json = (await f.A.GetJsonAsync("/openapi/v1.json")).Body.ToJsonString();
        var document = await OpenApiDocument.FromJsonAsync(json);
        var code = new CSharpClientGenerator(document, new CSharpClientGeneratorSettings
        {
            ClassName = "AxmeNodeClient",
            GenerateClientInterfaces = false,
            UseBaseUrl = false, // the HttpClient's BaseAddress
            CSharpGeneratorSettings = { Namespace = "Generated", JsonLibrary = NJsonSchema.CodeGeneration.CSharp.CSharpJsonLibrary.SystemTextJson },
        }).GenerateFile();

        var assembly = Compile(code);
        using var http = new HttpClient { BaseAddress = f.A.BaseAddress };
        foreach (var h in f.A.DefaultRequestHeaders) http.DefaultRequestHeaders.TryAddWithoutValidation(h.Key, h.Value);
        var run = (Task<string[]>)assembly.GetType("Generated.Driver")!.GetMethod("RunAsync")!.Invoke(null, [http, f.AgentA])!;
        var r = await run;

        Assert.True(Guid.TryParse(r[0], out _), r[0]);
        Assert.Equal("SUBMITTED", r[1]);
        Assert.Equal("True", r[2]);
        Assert.Equal("intent.completed", r[3]);
        Assert.Equal("COMPLETED", r[4]);
        Assert.Equal("intent.generated.client.v1", r[5]);
        // The same intent through the hand-written path: the generated client really wrote it.
        var intent = (await f.A.GetJsonAsync($"/v1/intents/{r[0]}")).Ok()["intent"]!;
        Assert.Equal("yes", intent["result"]!["answer"].Str());
        Assert.Equal("generated?", intent["payload"]!["question"].Str());
    }

    [Fact]
    public async Task The_document_describes_bodies_errors_and_the_key()
    {
        var doc = (await f.A.GetJsonAsync("/openapi/v1.json")).Body;
        var create = doc["paths"]!["/v1/intents"]!["post"]!;
        Assert.Equal("CreateIntent", create["operationId"].Str());
        Assert.Equal("#/components/schemas/CreateIntentRequest", create["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"].Str());
        Assert.Equal("#/components/schemas/IntentCreated", create["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"].Str());
        Assert.Equal("#/components/schemas/ErrorResponse", create["responses"]!["422"]!["content"]!["application/json"]!["schema"]!["$ref"].Str());
        var intent = doc["components"]!["schemas"]!["Intent"]!;
        Assert.Contains("intent_id", intent["required"]!.AsArray().Select(x => x.Str()));
        Assert.Equal("string", intent["properties"]!["created_at"]!["type"].Str());
        Assert.Equal("date-time", intent["properties"]!["created_at"]!["format"].Str());
        Assert.Equal("integer", intent["properties"]!["remind_count"]!["type"].Str());
        var scheme = doc["components"]!["securitySchemes"]!["api_key"]!;
        Assert.Equal("header", scheme["in"].Str());
        Assert.Equal("x-api-key", scheme["name"].Str());
    }

    [Fact]
    public async Task Every_operation_describes_its_answer_and_has_an_operation_id()
    {
        var doc = (await f.A.GetJsonAsync("/openapi/v1.json")).Body;
        var undescribed = new List<string>();
        var operations = 0;
        foreach (var (path, item) in doc["paths"]!.AsObject())
            foreach (var (method, op) in item!.AsObject())
            {
                if (method is not ("get" or "post" or "put" or "delete" or "patch")) continue;
                operations++;
                var success = op!["responses"]!.AsObject().Where(r => r.Key.StartsWith('2')).ToList();
                if (!success.Any(r => r.Value?["content"] is JsonObject { Count: > 0 })) undescribed.Add($"{method.ToUpperInvariant()} {path}: no success body");
                if (op["operationId"] is null) undescribed.Add($"{method.ToUpperInvariant()} {path}: no operation id");
            }
        Assert.True(operations > 60, $"only {operations} operations in the document");
        Assert.DoesNotContain(doc["paths"]!.AsObject(), p => p.Key.StartsWith("/inbox/dashboard", StringComparison.Ordinal));
        Assert.True(undescribed.Count == 0, "undescribed operations:\n" + string.Join("\n", undescribed));
    }

    /// <summary>The writes that take no body: the path says it all.</summary>
    private static readonly string[] Bodiless =
    [
        "POST /v1/intents/{intent_id}/acknowledge",
        "POST /v1/inbox/{thread_id}/read",
        "POST /v1/service-accounts/{service_account_id}/keys/{key_id}/revoke",
        "POST /v1/users/{user_id}/tokens",
        "POST /v1/webhooks/events/{event_id}/replay",
        "POST /v1/aliases/{alias_id}/revoke",
        "POST /v1/deliveries/{delivery_id}/replay",
        // Ending the request's session, or all of the person's: the access token says whose (ADR 027).
        "POST /v1/auth/logout",
        "POST /v1/auth/logout-all",
        // A browser sign-in for the CLI: the official CLI sends no body (PROTOCOL §11.2).
        "POST /v1/auth/cli-grants",
        // The mesh's: an optional body the official SDKs leave out (no content type may be required: ADR 022).
        "POST /v1/auth/dashboard-token",
        "POST /v1/mesh/heartbeat",
        "POST /v1/mesh/agents/{address_id}/kill",
        "POST /v1/mesh/agents/{address_id}/resume",
        // Its parameters are in the query, as the gateway defines it (ADR 029).
        "POST /v1/usage/rollups/daily",
    ];

    [Fact]
    public async Task Every_write_declares_its_request_body_but_the_bodiless_ones()
    {
        var doc = (await f.A.GetJsonAsync("/openapi/v1.json")).Body;
        var undeclared = new List<string>();
        foreach (var (path, item) in doc["paths"]!.AsObject())
            foreach (var (method, op) in item!.AsObject())
                if (method is "post" or "put" or "patch" && op!["requestBody"]?["content"] is not JsonObject { Count: > 0 })
                    undeclared.Add($"{method.ToUpperInvariant()} {path}");
        Assert.Equal(Bodiless.Order(), undeclared.Order());
    }

    [Fact]
    public async Task The_reference_is_served_at_docs_without_a_cdn()
    {
        using var anonymous = new HttpClient { BaseAddress = f.Node.BaseAddress };
        var page = await anonymous.GetStringAsync("/docs/");
        Assert.Contains("openapi/v1.json", page);
        Assert.DoesNotContain("cdn.", page);
        using var script = await anonymous.GetAsync("/docs/scalar.js");
        Assert.Equal(System.Net.HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }

    private static Assembly Compile(string generated)
    {
        var trees = new[] { generated, Driver }.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest)));
        var compilation = CSharpCompilation.Create("Generated" + Guid.NewGuid().ToString("N"), trees,
            Basic.Reference.Assemblies.Net100.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var pe = new MemoryStream();
        var emitted = compilation.Emit(pe);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "axme-generated-client.cs"), generated);
            Assert.Fail("the generated client does not compile (code in /tmp/axme-generated-client.cs):\n" + string.Join("\n", errors.Take(20)));
        }
        pe.Position = 0;
        return new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(pe);
    }
}
