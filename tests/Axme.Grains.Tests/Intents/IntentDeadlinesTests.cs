using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests.Intents;

public sealed class IntentDeadlinesTests
{
    private static readonly DateTimeOffset CreatedAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // Offsets in seconds from creation; null = not set. The deadline is the earliest of those set.
    [Theory]
    [InlineData(10, 50, 60, 70, 80, 10)]   // deadline_at
    [InlineData(90, 20, 60, 70, 80, 20)]   // controls timeout_seconds
    [InlineData(90, 50, 30, 70, 80, 30)]   // policy ttl_seconds
    [InlineData(90, 50, 60, 40, 80, 40)]   // policy execution_timeout_seconds
    [InlineData(90, 50, 60, 70, 5, 5)]     // policy expires_at
    [InlineData(null, null, 60, null, null, 60)]
    [InlineData(null, null, null, null, 45, 45)]
    [InlineData(null, null, null, null, null, null)]
    public void Compute_takes_the_earliest_deadline(int? deadlineAt, int? timeout, int? ttl, int? executionTimeout, int? expiresAt,
        int? expected)
    {
        var intent = Intent(deadlineAt, timeout, ttl, executionTimeout, expiresAt);

        Assert.Equal(expected is { } s ? CreatedAt.AddSeconds(s) : null, IntentDeadlines.Compute(intent));
    }

    [Fact]
    public void Compute_accepts_fractional_seconds_and_offsets_in_expires_at()
    {
        var intent = Intent(null, null, null, null, null) with
        {
            ControlsJson = """{"timeout_seconds": 1.5}""",
            EnvelopeJson = """{"expires_at": "2026-03-01T14:00:01+02:00"}""",
        };

        Assert.Equal(CreatedAt.AddSeconds(1), IntentDeadlines.Compute(intent));
    }

    private static IntentRecord Intent(int? deadlineAt, int? timeout, int? ttl, int? executionTimeout, int? expiresAt)
    {
        var controls = timeout is { } t ? $$"""{"timeout_seconds": {{t}}}""" : "{}";
        var envelope = new List<string>();
        if (ttl is { } l) envelope.Add($"\"ttl_seconds\": {l}");
        if (executionTimeout is { } x) envelope.Add($"\"execution_timeout_seconds\": {x}");
        if (expiresAt is { } e) envelope.Add($"\"expires_at\": \"{CreatedAt.AddSeconds(e):O}\"");
        return new IntentRecord
        {
            IntentId = Guid.NewGuid(),
            OrgId = "acme",
            WorkspaceId = "ops",
            IntentType = "t",
            CorrelationId = "c",
            FromAgent = "agent://acme/ops/a",
            ToAgent = "agent://acme/ops/b",
            PayloadJson = "{}",
            Status = IntentStatus.Submitted,
            CreatedAt = CreatedAt,
            UpdatedAt = CreatedAt,
            DeadlineAt = deadlineAt is { } d ? CreatedAt.AddSeconds(d) : null,
            ControlsJson = controls,
            EnvelopeJson = "{" + string.Join(", ", envelope) + "}",
            CreatedBy = "sa_test",
        };
    }
}
