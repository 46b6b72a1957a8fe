using System.Net;
using System.Threading.RateLimiting;
using AskVideo.Api.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Auth;

/// <summary>
/// Brute-force and abuse limits. Per-IP limits run as rate-limiter policies before the handler;
/// per-username and per-email limits need the body, so handlers ask <see cref="AuthRateLimits"/>.
/// </summary>
public static class AuthRateLimitPolicies
{
    public const string Login = "auth-login";
    public const string Signup = "auth-signup";
    public const string ResendVerification = "auth-resend";
    public const string PasswordReset = "auth-password-reset";

    public static IServiceCollection AddAuthRateLimits(this IServiceCollection services)
    {
        services.AddOptions<AuthRateLimitOptions>().BindConfiguration(AuthRateLimitOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AuthRateLimits>();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Login, context => PerIp(context, Login, o => (o.LoginPermits, o.LoginWindow)));
            limiter.AddPolicy(Signup, context => PerIp(context, Signup, o => (o.EmailPermits, o.EmailWindow)));
            limiter.AddPolicy(ResendVerification, context => PerIp(context, ResendVerification, o => (o.EmailPermits, o.EmailWindow)));
            limiter.AddPolicy(PasswordReset, context => PerIp(context, PasswordReset, o => (o.EmailPermits, o.EmailWindow)));
        });
        return services;
    }

    private static RateLimitPartition<string> PerIp(
        HttpContext context, string policy, Func<AuthRateLimitOptions, (int Permits, TimeSpan Window)> pick)
    {
        var (permits, window) = pick(context.RequestServices.GetRequiredService<IOptions<AuthRateLimitOptions>>().Value);
        var ip = context.Connection.RemoteIpAddress ?? IPAddress.None;
        return RateLimitPartition.GetFixedWindowLimiter($"{policy}:{ip}", _ => RateLimiting.Window(permits, window));
    }
}

/// <summary>Limits keyed by what the request names (a username, an email address).</summary>
public sealed class AuthRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public AuthRateLimits(IOptions<AuthRateLimitOptions> options)
    {
        var o = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key,
            _ => key.StartsWith(AuthRateLimitPolicies.Login, StringComparison.Ordinal)
                ? RateLimiting.Window(o.LoginPermits, o.LoginWindow)
                : RateLimiting.Window(o.EmailPermits, o.EmailWindow)));
    }

    /// <summary>Null when allowed; otherwise how long to wait.</summary>
    public TimeSpan? TryAcquire(string policy, string subject)
    {
        using var lease = _limiter.AttemptAcquire($"{policy}:{subject.Trim().ToUpperInvariant()}");
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}
