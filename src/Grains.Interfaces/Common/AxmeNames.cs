namespace Axme.Grains.Interfaces.Common;

/// <summary>Provider and state names, in one place: they are part of the storage contract.</summary>
public static class AxmeNames
{
    /// <summary>The ADO.NET grain storage provider every grain uses.</summary>
    /// <summary>The runtime's own OpenTelemetry meter (AxmeMetrics, the API's stream gauge).</summary>
    public const string Meter = "Axme";

    public const string Storage = "axme";

    /// <summary>The intents' own storage provider (their rows in axme_intents and axme_intent_events, docs/adr/016).</summary>
    public const string IntentStorage = "axme-intents";

    /// <summary>Grain state names (the graintypestring column of the ADO.NET storage).</summary>
    public const string IntentState = "intent";
    public const string ApiKeyState = "apikey";
    public const string ServiceAccountState = "serviceaccount";
    public const string WorkspaceState = "workspace";
    public const string IdempotencyState = "idempotency";
    public const string AgentState = "agent";
    public const string DeliveryState = "delivery";
    public const string WebhookSubscriptionState = "webhooksubscription";
    public const string WebhookDirectoryState = "webhookdirectory";
    public const string WebhookEventState = "webhookevent";
    public const string NotificationLogState = "notificationlog";
    public const string MagicLinkState = "magiclink";
    public const string SemanticSchemaState = "semanticschema";
    public const string ReceivePolicyState = "receivepolicy";
    public const string ScenarioRegistryState = "scenarioregistry";
    public const string MeshEventLogState = "mesheventlog";
    public const string OneTimeTokenState = "onetimetoken";
    public const string OrganizationState = "organization";
    public const string OrganizationDirectoryState = "organizationdirectory";
    public const string PersonState = "person";
    public const string SessionState = "session";
    public const string NodeSecretState = "nodesecret";
    public const string LoginGrantState = "logingrant";
    public const string NickState = "nick";
    public const string InviteState = "invite";
    public const string AccessRequestState = "accessrequests";

    /// <summary>Data Protection purpose of media relay links (upload_url, download_url, preview_url: docs/adr/023).</summary>
    public const string MediaLinkPurpose = "Axme.MediaLink.v1";

    /// <summary>Data Protection purpose of webhook signing secrets: the API encrypts with it, delivery grains decrypt.</summary>
    public const string WebhookSecretPurpose = "Axme.WebhookSecret.v1";
    /// <summary>Inbox threads; the axme_inbox_threads view trigger matches it (Schema/003_axme_inbox.sql).</summary>
    public const string InboxThreadState = "inbox_thread";

    /// <summary>Data Protection purposes of the web inbox: magic-link tokens and the sign-in cookie.</summary>
    public const string MagicLinkPurpose = "Axme.MagicLink.v1";
    public const string InboxSessionPurpose = "Axme.InboxSession.v1";
    /// <summary>Data Protection purpose of dashboard links (POST /v1/auth/dashboard-token).</summary>
    public const string DashboardTokenPurpose = "Axme.DashboardToken.v1";

    /// <summary>Data Protection purpose of stored notification e-mail bodies (they carry magic links).</summary>
    public const string NotificationBodyPurpose = "Axme.NotificationBody.v1";
}
