using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Client;

/// <summary>A registered agent: its service account, its new key (with the token) and its agent entry.</summary>
/// <param name="Account">The service account.</param>
/// <param name="Key">The key created for it, with <see cref="ApiKey.Token"/>; null when no key was asked for.</param>
/// <param name="Agent">The agent entry, when a delivery binding was set at registration.</param>
public sealed record RegisteredAgent(ServiceAccount Account, ApiKey? Key, Agent? Agent);
