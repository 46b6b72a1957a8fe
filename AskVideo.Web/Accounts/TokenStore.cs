using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Claims;
using AskVideo.Web.Infrastructure;
using Microsoft.Extensions.Caching.Memory;

namespace AskVideo.Web.Accounts;

/// <summary>
/// The newest tokens of each session. A refresh token works once (the Api revokes the whole login
/// when one is used twice), so every refresh of a session goes through here, one at a time, and
/// its result is kept until the session cookie has been rewritten with it: a circuit (which cannot
/// write cookies) and the next request of the same browser then agree on the newest pair.
/// </summary>
public sealed class TokenStore(IHttpClientFactory http, IMemoryCache cache, TimeProvider time, ILogger<TokenStore> logger)
{
    /// <summary>An access token this close to its end is refreshed first, so it cannot expire in flight.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>The session's newest tokens: a refreshed pair not yet in the cookie, else the cookie's.</summary>
    public SessionTokens? Current(ClaimsPrincipal user)
    {
        var cookie = SessionClaims.Tokens(user);
        return SessionClaims.Session(user) is { } session && cache.TryGetValue(Key(session), out SessionTokens? newer) && newer is not null
            && (cookie is null || newer.AccessExpires >= cookie.AccessExpires)
            ? newer
            : cookie;
    }

    /// <summary>A working access token, refreshed when it is about to expire; null when the sign-in has ended.</summary>
    public async Task<string?> GetAccessTokenAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await GetFreshAsync(user, cancellationToken))?.Access;

    public async Task<SessionTokens?> GetFreshAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (Current(user) is not { } tokens || SessionClaims.Session(user) is not { } session)
        {
            return null;
        }
        if (tokens.AccessExpires - Margin > time.GetUtcNow())
        {
            return tokens;
        }
        var gate = _locks.GetOrAdd(session, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have refreshed while this one waited.
            tokens = Current(user)!;
            if (tokens.AccessExpires - Margin > time.GetUtcNow())
            {
                return tokens;
            }
            var refreshed = await RefreshAsync(tokens.Refresh, cancellationToken);
            if (refreshed is not null)
            {
                cache.Set(Key(session), refreshed, refreshed.AccessExpires.AddDays(30));
            }
            return refreshed;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Signs in at the Api: the session's principal, or the problem to show.</summary>
    public async Task<ApiResult<ClaimsPrincipal>> LoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        var client = http.CreateClient(ApiClient.HttpClientName);
        try
        {
            using var response = await client.PostAsJsonAsync("/api/auth/login/", new { username, password }, ApiClient.Json, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new(null, await ApiProblem.ReadAsync(response, cancellationToken));
            }
            var tokens = ToTokens((await response.Content.ReadFromJsonAsync<TokenPair>(ApiClient.Json, cancellationToken))!);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me/");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.Access);
            using var me = await client.SendAsync(request, cancellationToken);
            if (!me.IsSuccessStatusCode)
            {
                return new(null, await ApiProblem.ReadAsync(me, cancellationToken));
            }
            var profile = (await me.Content.ReadFromJsonAsync<Profile>(ApiClient.Json, cancellationToken))!;
            // The admin pages are offered to those the admin API lets in; it decides again on every call.
            using var probe = new HttpRequestMessage(HttpMethod.Get, "/api/admin/users/?limit=1");
            probe.Headers.Authorization = request.Headers.Authorization;
            using var admin = await client.SendAsync(probe, cancellationToken);
            var principal = SessionClaims.Create(Guid.NewGuid().ToString("N"), profile.Id, profile.Username, profile.Email, admin.IsSuccessStatusCode, tokens);
            return new(principal, null);
        }
        catch (HttpRequestException)
        {
            return new(null, ApiProblem.Unreachable);
        }
    }

    /// <summary>Ends the login at the Api (its refresh tokens stop working) and forgets the session.</summary>
    public async Task LogoutAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (Current(user) is { } tokens)
        {
            try
            {
                using var response = await http.CreateClient(ApiClient.HttpClientName)
                    .PostAsJsonAsync("/api/auth/logout/", new { refresh = tokens.Refresh }, ApiClient.Json, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                // The cookie goes anyway; the refresh token then simply expires.
                logger.LogWarning(ex, "Logout could not reach the Api.");
            }
        }
        if (SessionClaims.Session(user) is { } session)
        {
            cache.Remove(Key(session));
        }
    }

    private async Task<SessionTokens?> RefreshAsync(string refresh, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.CreateClient(ApiClient.HttpClientName)
                .PostAsJsonAsync("/api/auth/refresh/", new { refresh }, ApiClient.Json, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogInformation("A session's refresh was refused ({Status}); it is signed out.", (int)response.StatusCode);
                return null;
            }
            return ToTokens((await response.Content.ReadFromJsonAsync<TokenPair>(ApiClient.Json, cancellationToken))!);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "The Api could not be reached to refresh a session.");
            return null;
        }
    }

    private SessionTokens ToTokens(TokenPair pair) =>
        new(pair.Access, pair.Refresh, time.GetUtcNow().AddSeconds(pair.ExpiresIn));

    private static string Key(string session) => $"session-tokens:{session}";

    private sealed record TokenPair(string Access, string Refresh, int ExpiresIn);

    private sealed record Profile(int Id, string Username, string Email);
}
