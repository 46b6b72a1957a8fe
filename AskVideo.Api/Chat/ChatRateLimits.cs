using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using AskVideo.Api.Infrastructure;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Chat;

/// <summary>
/// How often chat may be used. Answers cost retrieval and model tokens, so signed-in callers are
/// limited per user and everyone else (share-token guests) per IP address, with a smaller budget.
/// </summary>
public sealed class ChatRateLimitOptions
{
    public const string Section = "RateLimits:Chat";

    /// <summary>Questions one signed-in user may ask in each <see cref="Window"/>.</summary>
    [Range(1, int.MaxValue)]
    public int AskPermitsPerUser { get; set; } = 30;

    /// <summary>Questions callers who are not signed in (guests) may ask from one IP address in each <see cref="Window"/>.</summary>
    [Range(1, int.MaxValue)]
    public int AskPermitsPerGuestIp { get; set; } = 10;

    /// <summary>Ratings one IP address (guests) or one signed-in user may send in each <see cref="Window"/>.</summary>
    [Range(1, int.MaxValue)]
    public int FeedbackPermits { get; set; } = 60;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The chat's rate-limiter policies. The limiter runs after authentication, so a valid access token
/// is known here; an expired or forged one counts as no token (the caller is limited by IP).
/// Rejections are answered by the limiter's shared OnRejected: 429 ProblemDetails with Retry-After.
/// </summary>
public static class ChatRateLimits
{
    public const string AskPolicy = "chat-ask";
    public const string FeedbackPolicy = "chat-feedback";

    public static IServiceCollection AddChatRateLimits(this IServiceCollection services)
    {
        services.AddOptions<ChatRateLimitOptions>().BindConfiguration(ChatRateLimitOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(AskPolicy, context => Partition(context, AskPolicy, o => (o.AskPermitsPerUser, o.AskPermitsPerGuestIp)));
            limiter.AddPolicy(FeedbackPolicy, context => Partition(context, FeedbackPolicy, o => (o.FeedbackPermits, o.FeedbackPermits)));
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(
        HttpContext context, string policy, Func<ChatRateLimitOptions, (int PerUser, int PerGuestIp)> pick)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ChatRateLimitOptions>>().Value;
        var (perUser, perGuestIp) = pick(options);
        // Keys are prefixed by policy and kind, so a user's budget and a guest IP's budget never mix.
        return context.User.TryGetUserId(out var userId)
            ? RateLimitPartition.GetFixedWindowLimiter(
                $"{policy}:user:{userId.ToString(CultureInfo.InvariantCulture)}",
                _ => RateLimiting.Window(perUser, options.Window))
            : RateLimitPartition.GetFixedWindowLimiter(
                $"{policy}:ip:{context.Connection.RemoteIpAddress ?? IPAddress.None}",
                _ => RateLimiting.Window(perGuestIp, options.Window));
    }
}
