using Axme.Client;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="AxmeClient"/> with dependency injection.</summary>
public static class AxmeServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AxmeClient"/> as a typed HttpClient: <c>services.AddAxmeClient(o => { o.BaseUrl = …; o.ApiKey = …; })</c>.
    /// Returns the HttpClient builder, to add handlers or configure the primary handler.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    public static IHttpClientBuilder AddAxmeClient(this IServiceCollection services, Action<AxmeClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AxmeClientOptions>().Configure(configure);
        return services.AddHttpClient(nameof(AxmeClient), http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddTypedClient((http, sp) => new AxmeClient(http, sp.GetRequiredService<IOptions<AxmeClientOptions>>().Value));
    }
}
