using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;

namespace AskVideo.Api.Infrastructure;

/// <summary>
/// What every feature's limits share: fixed windows without a queue, and one answer when a limit is
/// reached (429 ProblemDetails with <c>Retry-After</c>), from a policy or from a handler.
/// </summary>
public static class RateLimiting
{
    /// <summary>Answers every rejected request of every policy the same way.</summary>
    public static IServiceCollection AddRateLimitAnswers(this IServiceCollection services) =>
        services.AddRateLimiter(limiter => limiter.OnRejected = RejectAsync);

    public static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>429 with Retry-After in whole seconds.</summary>
    public static ProblemHttpResult TooManyRequests(TimeSpan retryAfter, IHeaderDictionary headers)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests.",
            detail: $"Try again in {seconds} seconds.");
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        await TooManyRequests(retryAfter, context.HttpContext.Response.Headers).ExecuteAsync(context.HttpContext);
    }
}
