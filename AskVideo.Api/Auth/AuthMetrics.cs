using System.Diagnostics.Metrics;
using AskVideo.ServiceDefaults;

namespace AskVideo.Api.Auth;

/// <summary>Counters an operator watches for sign-in trouble or abuse.</summary>
internal static class AuthMetrics
{
    private static readonly Counter<long> s_signIns = Telemetry.Meter.CreateCounter<long>(
        "askvideo.auth.sign_ins", description: "Sign-in attempts by outcome.");

    private static readonly Counter<long> s_signups = Telemetry.Meter.CreateCounter<long>(
        "askvideo.auth.signups", description: "Sign-ups by outcome.");

    public static void SignIn(string outcome) => s_signIns.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void Signup(string outcome) => s_signups.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
