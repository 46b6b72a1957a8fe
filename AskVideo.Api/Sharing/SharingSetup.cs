using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Sharing;

public static class SharingSetup
{
    /// <summary>The per-IP limit of the guest endpoints.</summary>
    public const string RateLimitPolicy = "share";

    /// <summary>Share links: options (validated on start), the link service and the guests' rate limit.</summary>
    public static IServiceCollection AddSharing(this IServiceCollection services)
    {
        services.AddOptions<SharingOptions>().BindConfiguration(SharingOptions.Section)
            .Validate(o => o.HasValidLinkBaseUrl, $"{SharingOptions.Section}:LinkBaseUrl must be an absolute http or https URL.")
            .ValidateOnStart();
        services.AddOptions<ShareRateLimitOptions>().BindConfiguration(ShareRateLimitOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ShareLinks>();

        // Rejections are answered by the limiter's shared OnRejected: 429 ProblemDetails with Retry-After.
        services.AddRateLimiter(limiter => limiter.AddPolicy(RateLimitPolicy, context =>
        {
            var limits = context.RequestServices.GetRequiredService<IOptions<ShareRateLimitOptions>>().Value;
            var ip = context.Connection.RemoteIpAddress ?? IPAddress.None;
            return RateLimitPartition.GetFixedWindowLimiter($"{RateLimitPolicy}:{ip}", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.Permits,
                Window = limits.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }));
        return services;
    }
}
