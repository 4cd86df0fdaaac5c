namespace Axme.Api.Tests;

/// <summary>Reads /metrics (Prometheus' text format).</summary>
internal static class PrometheusText
{
    /// <summary>The value of one series (name and labels as Prometheus prints them, labels in any order), or null.</summary>
    public static double? Sample(string metrics, string name, params string[] labels) =>
        metrics.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(l.Contains))
            .Select(l => (double?)double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
}
