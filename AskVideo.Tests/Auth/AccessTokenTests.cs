using System.Net;
using System.Text;
using AskVideo.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AskVideo.Tests.Auth;

/// <summary>Only tokens this API signed, for this API, and still valid, open /me.</summary>
public sealed class AccessTokenTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Access, string UserId)> SignedInAsync()
    {
        var account = await api.CreateVerifiedAccountAsync();
        using var client = api.CreateClient();
        var tokens = await client.LoginOkAsync(account);
        return (tokens.Access, new JsonWebToken(tokens.Access).Subject);
    }

    private string Mint(string userId, string? audience = null, string? issuer = null, DateTime? expires = null, byte[]? key = null) =>
        api.Mint(int.Parse(userId, System.Globalization.CultureInfo.InvariantCulture), expires, audience, issuer, key);

    private async Task AssertRejectedAsync(string token)
    {
        using var client = api.CreateClient(token);
        var response = await client.GetAsync("/api/auth/me/", Ct);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_minted_with_the_configured_key_is_accepted()
    {
        // Proves the rejections below are about the one property each test changes.
        var (_, userId) = await SignedInAsync();
        using var client = api.CreateClient(Mint(userId));

        (await client.GetAsync("/api/auth/me/", Ct)).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Requests_without_a_token_are_401_problem_details()
    {
        using var client = api.CreateClient();

        await (await client.GetAsync("/api/auth/me/", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_token_is_401()
    {
        var (_, userId) = await SignedInAsync();

        await AssertRejectedAsync(Mint(userId, expires: DateTime.UtcNow.AddMinutes(-5)));
    }

    [Fact]
    public async Task A_token_for_another_audience_is_401()
    {
        var (_, userId) = await SignedInAsync();

        await AssertRejectedAsync(Mint(userId, audience: "some-other-api"));
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_401()
    {
        var (_, userId) = await SignedInAsync();

        await AssertRejectedAsync(Mint(userId, issuer: "someone-else"));
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_401()
    {
        var (_, userId) = await SignedInAsync();

        await AssertRejectedAsync(Mint(userId, key: new byte[64]));
    }

    [Fact]
    public async Task A_tampered_token_is_401()
    {
        var (access, _) = await SignedInAsync();
        var parts = access.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var forged = payload.Replace("\"sub\":\"", "\"sub\":\"9", StringComparison.Ordinal);
        Assert.NotEqual(payload, forged);

        await AssertRejectedAsync($"{parts[0]}.{Base64UrlEncoder.Encode(forged)}.{parts[2]}");
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_401()
    {
        var (access, _) = await SignedInAsync();
        var payload = access.Split('.')[1];
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");

        await AssertRejectedAsync($"{header}.{payload}.");
    }
}
