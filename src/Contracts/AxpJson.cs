using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>
/// The JSON rules of the wire (PROTOCOL §2.3): snake_case member names, timestamps in <see cref="WireTime"/>'s format,
/// integers as integers, nulls written (clients read an absent and a null member alike; the node writes the protocol's
/// optional members as null unless a contract says otherwise). Reading is lenient about the case of names.
/// </summary>
public static class AxpJson
{
    /// <summary>The options of every contract, backed by the source-generated <see cref="AxpJsonContext"/>.</summary>
    public static JsonSerializerOptions Options => AxpJsonContext.Default.Options;

    /// <summary>
    /// Makes other options (ASP.NET Core's, for typed results and the OpenAPI document) write the contract as
    /// <see cref="Options"/> does: the generated metadata first, snake_case names and the wire timestamps for the rest.
    /// </summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.NumberHandling = JsonNumberHandling.Strict; // ASP.NET Core's web defaults read numbers from strings; the wire has integers
        options.Converters.Add(new WireTimeConverter());
        options.TypeInfoResolverChain.Insert(0, AxpJsonContext.Default);
        return options;
    }

    /// <summary>A contract as one line of UTF-8 JSON (an SSE data line, a webhook body).</summary>
    public static byte[] Utf8<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Info<T>());

    /// <summary>A contract as a JSON text.</summary>
    public static string Text<T>(T value) => JsonSerializer.Serialize(value, Info<T>());

    /// <summary>A contract as a JSON object, for answers composed of several parts (MCP results, lease lists).</summary>
    public static System.Text.Json.Nodes.JsonObject Node<T>(T value) =>
        JsonSerializer.SerializeToNode(value, Info<T>())?.AsObject() ?? throw new ArgumentNullException(nameof(value));

    /// <summary>Reads a contract (null when the JSON is null).</summary>
    public static T? Read<T>(string json) => JsonSerializer.Deserialize(json, Info<T>());

    /// <summary>The contract's type information; a type outside the contract is a programming error.</summary>
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> Info<T>() =>
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>?)AxpJsonContext.Default.GetTypeInfo(typeof(T))
        ?? throw new NotSupportedException($"{typeof(T).Name} is not part of the wire contract (AxpJsonContext)");
}

/// <summary>The source-generated serializers of the wire contract (no reflection, so the node serialises each shape without building a DOM).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    PropertyNameCaseInsensitive = true,
    Converters = [typeof(WireTimeConverter)])]
[JsonSerializable(typeof(Intent))]
[JsonSerializable(typeof(IntentEvent))]
[JsonSerializable(typeof(IntentCreated))]
[JsonSerializable(typeof(IntentResponse))]
[JsonSerializable(typeof(IntentPage))]
[JsonSerializable(typeof(IntentEventsPage))]
[JsonSerializable(typeof(IntentWriteResponse))]
[JsonSerializable(typeof(CreateIntentRequest))]
[JsonSerializable(typeof(ResolveIntentRequest))]
[JsonSerializable(typeof(StreamTimeout))]
[JsonSerializable(typeof(AgentDelivery))]
[JsonSerializable(typeof(LifecycleEvent))]
[JsonSerializable(typeof(ApprovalDecisionRequest))]
[JsonSerializable(typeof(ApprovalDecisionResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ServiceAccountResponse))]
[JsonSerializable(typeof(ServiceAccountPage))]
[JsonSerializable(typeof(ServiceAccountDeleted))]
[JsonSerializable(typeof(ApiKeyResponse))]
[JsonSerializable(typeof(WhoAmIResponse))]
[JsonSerializable(typeof(AgentResponse))]
[JsonSerializable(typeof(AgentPage))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(UserPage))]
[JsonSerializable(typeof(UserDeleted))]
[JsonSerializable(typeof(ActorTokenResponse))]
[JsonSerializable(typeof(WebhookSubscriptionRequest))]
[JsonSerializable(typeof(WebhookSubscriptionResponse))]
[JsonSerializable(typeof(WebhookSubscriptionList))]
[JsonSerializable(typeof(WebhookSubscriptionRevoked))]
[JsonSerializable(typeof(WebhookEventRequest))]
[JsonSerializable(typeof(WebhookEventResponse))]
[JsonSerializable(typeof(IntentDeliveries))]
[JsonSerializable(typeof(InboxThreadList))]
[JsonSerializable(typeof(InboxThreadResponse))]
[JsonSerializable(typeof(InboxChanges))]
[JsonSerializable(typeof(InboxThreadRead))]
[JsonSerializable(typeof(InboxMessagesDeleted))]
[JsonSerializable(typeof(HumanTaskList))]
[JsonSerializable(typeof(ScenarioValidation))]
[JsonSerializable(typeof(ScenarioApplied))]
[JsonSerializable(typeof(MacroList))]
[JsonSerializable(typeof(MacroResponse))]
[JsonSerializable(typeof(RegisteredScenarioResponse))]
[JsonSerializable(typeof(RegisteredScenarioList))]
[JsonSerializable(typeof(RegistryEntryDeleted))]
[JsonSerializable(typeof(ScenarioStartRequest))]
[JsonSerializable(typeof(MeshHeartbeatRequest))]
[JsonSerializable(typeof(MeshAgentList))]
[JsonSerializable(typeof(MeshEventList))]
[JsonSerializable(typeof(MeshAgentResponse))]
[JsonSerializable(typeof(DashboardTokenResponse))]
[JsonSerializable(typeof(MediaCreateUploadRequest))]
[JsonSerializable(typeof(MediaCreateUploadResponse))]
[JsonSerializable(typeof(MediaUploadReceived))]
[JsonSerializable(typeof(MediaFinalizeUploadRequest))]
[JsonSerializable(typeof(MediaFinalizeUploadResponse))]
[JsonSerializable(typeof(MediaGetResponse))]
[JsonSerializable(typeof(MediaDeleted))]
[JsonSerializable(typeof(PrincipalCreateRequest))]
[JsonSerializable(typeof(PrincipalResponse))]
[JsonSerializable(typeof(OrganizationCreateRequest))]
[JsonSerializable(typeof(OrganizationUpdateRequest))]
[JsonSerializable(typeof(OrganizationResponse))]
[JsonSerializable(typeof(QuotaPolicyResponse))]
[JsonSerializable(typeof(AccessRequestCreateRequest))]
[JsonSerializable(typeof(AccessRequestReviewRequest))]
[JsonSerializable(typeof(AccessRequestResponse))]
[JsonSerializable(typeof(AccessRequestList))]
[JsonSerializable(typeof(InviteCreated))]
[JsonSerializable(typeof(InviteResponse))]
[JsonSerializable(typeof(InviteAccepted))]
[JsonSerializable(typeof(InviteCreateRequest))]
[JsonSerializable(typeof(InviteAcceptRequest))]
[JsonSerializable(typeof(QuotaPatchRequest))]
[JsonSerializable(typeof(UsageSummaryResponse))]
[JsonSerializable(typeof(UsageSeriesResponse))]
[JsonSerializable(typeof(UsageRollupResponse))]
[JsonSerializable(typeof(EnterpriseOverviewResponse))]
[JsonSerializable(typeof(QuotaLimits))]
[JsonSerializable(typeof(UsageDimensions))]
[JsonSerializable(typeof(UsageCounts))]
[JsonSerializable(typeof(OrganizationList))]
[JsonSerializable(typeof(WorkspaceCreateRequest))]
[JsonSerializable(typeof(WorkspaceUpdateRequest))]
[JsonSerializable(typeof(WorkspaceResponse))]
[JsonSerializable(typeof(WorkspaceList))]
[JsonSerializable(typeof(MemberAddRequest))]
[JsonSerializable(typeof(MemberUpdateRequest))]
[JsonSerializable(typeof(MemberResponse))]
[JsonSerializable(typeof(MemberList))]
[JsonSerializable(typeof(MemberRemoved))]
[JsonSerializable(typeof(PasswordSignInRequest))]
[JsonSerializable(typeof(SessionGrant))]
[JsonSerializable(typeof(RefreshRequest))]
[JsonSerializable(typeof(RefreshResponse))]
[JsonSerializable(typeof(AccountSessionList))]
[JsonSerializable(typeof(SessionRevokeRequest))]
[JsonSerializable(typeof(SessionsRevoked))]
[JsonSerializable(typeof(PersonalContext))]
[JsonSerializable(typeof(WorkspaceSelectionRequest))]
[JsonSerializable(typeof(LoginIntentRequest))]
[JsonSerializable(typeof(LoginPending))]
[JsonSerializable(typeof(LoginState))]
[JsonSerializable(typeof(LoginVerifyRequest))]
[JsonSerializable(typeof(AuditEventPage))]
[JsonSerializable(typeof(NickRegisterRequest))]
[JsonSerializable(typeof(ProfileUpdateRequest))]
[JsonSerializable(typeof(NickCheck))]
[JsonSerializable(typeof(NickResolution))]
[JsonSerializable(typeof(UserProfile))]
[JsonSerializable(typeof(AliasBindRequest))]
[JsonSerializable(typeof(AliasResponse))]
[JsonSerializable(typeof(AliasList))]
[JsonSerializable(typeof(AliasResolveResponse))]
[JsonSerializable(typeof(RoutingResolveRequest))]
[JsonSerializable(typeof(RoutingResolveResponse))]
[JsonSerializable(typeof(DeliveryResponse))]
[JsonSerializable(typeof(DeliveryList))]
[JsonSerializable(typeof(DeliverySubmitRequest))]
[JsonSerializable(typeof(DeliveryReconcileRequest))]
[JsonSerializable(typeof(DeliveryReconciled))]
[JsonSerializable(typeof(DeliveryOperationsSummary))]
[JsonSerializable(typeof(RouteRegisterRequest))]
[JsonSerializable(typeof(RouteUpdateRequest))]
[JsonSerializable(typeof(RouteResponse))]
[JsonSerializable(typeof(RouteList))]
[JsonSerializable(typeof(RouteRemoved))]
[JsonSerializable(typeof(TransportBindingRequest))]
[JsonSerializable(typeof(TransportBindingResponse))]
[JsonSerializable(typeof(TransportBindingList))]
[JsonSerializable(typeof(TransportBindingRemoved))]
[JsonSerializable(typeof(Health))]
[JsonSerializable(typeof(Capabilities))]
[JsonSerializable(typeof(SemanticSchemaResponse))]
[JsonSerializable(typeof(BulkCancelResult))]
[JsonSerializable(typeof(MagicLinkResponse))]
[JsonSerializable(typeof(Readiness))]
[JsonSerializable(typeof(NotificationList))]
[JsonSerializable(typeof(AgentReceiveOverrideResponse))]
[JsonSerializable(typeof(OrgReceivePolicyResponse))]
[JsonSerializable(typeof(AgentLease))]
[JsonSerializable(typeof(ProgressRequest))]
[JsonSerializable(typeof(ControlsPatchRequest))]
[JsonSerializable(typeof(PolicyPatchRequest))]
[JsonSerializable(typeof(BulkCancelRequest))]
[JsonSerializable(typeof(CreateServiceAccountRequest))]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(AgentDeliveryRequest))]
[JsonSerializable(typeof(UserRequest))]
[JsonSerializable(typeof(InboxReplyRequest))]
[JsonSerializable(typeof(InboxDelegateRequest))]
[JsonSerializable(typeof(InboxDecisionRequest))]
[JsonSerializable(typeof(InboxMessagesDeleteRequest))]
[JsonSerializable(typeof(SemanticSchemaRequest))]
[JsonSerializable(typeof(ReceivePolicyRequest))]
[JsonSerializable(typeof(MagicLinkRequest))]
public sealed partial class AxpJsonContext : JsonSerializerContext;
