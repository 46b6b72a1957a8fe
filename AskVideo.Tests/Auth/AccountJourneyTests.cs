using System.Net;
using System.Net.Http.Json;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.Auth;

public sealed class AccountJourneyTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client = api.CreateClient();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Signup_mails_a_verification_link_and_sign_in_waits_until_it_is_followed()
    {
        var account = Accounts.NewAccount();

        var signup = await _client.SignupAsync(account);
        var body = await signup.AssertStatus(HttpStatusCode.Created).JsonAsync();
        Assert.Equal(account.Username, body["username"]!.GetValue<string>());

        var beforeVerification = await _client.LoginAsync(account.Username, account.Password);
        var problem = await beforeVerification.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("verified", problem["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        var link = api.Mailbox.LatestLink(account.Email, "verify-email");
        (await _client.VerifyAsync(link)).AssertStatus(HttpStatusCode.OK);

        var tokens = await _client.LoginOkAsync(account);
        using var me = api.CreateClient(tokens.Access);
        var profile = await (await me.GetAsync("/api/auth/me/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(account.Username, profile["username"]!.GetValue<string>());
        Assert.Equal(account.Email, profile["email"]!.GetValue<string>());
        Assert.True(profile["email_verified"]!.GetValue<bool>());
        Assert.True(profile["id"]!.GetValue<int>() > 0);
        Assert.True(DateTimeOffset.UtcNow - profile["created_at"]!.GetValue<DateTimeOffset>() < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task A_verification_link_works_only_once()
    {
        var account = Accounts.NewAccount();
        await _client.SignupAsync(account);
        var link = api.Mailbox.LatestLink(account.Email, "verify-email");

        (await _client.VerifyAsync(link)).AssertStatus(HttpStatusCode.OK);
        await (await _client.VerifyAsync(link)).AssertValidationProblemAsync("token");
    }

    [Fact]
    public async Task A_forged_verification_token_verifies_nothing()
    {
        var account = Accounts.NewAccount();
        await _client.SignupAsync(account);
        var (uid, _) = api.Mailbox.LatestLink(account.Email, "verify-email");

        await (await _client.VerifyAsync((uid, "not-the-token"))).AssertValidationProblemAsync("token");
        (await _client.LoginAsync(account.Username, account.Password)).AssertStatus(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Resending_verification_sends_a_new_link_that_verifies()
    {
        var account = Accounts.NewAccount();
        await _client.SignupAsync(account);

        var resend = await _client.PostAsJsonAsync("/api/auth/resend-verification/", new { email = account.Email }, Ct);
        resend.AssertStatus(HttpStatusCode.Accepted);

        Assert.Equal(2, api.Mailbox.To(account.Email).Count);
        (await _client.VerifyAsync(api.Mailbox.LatestLink(account.Email, "verify-email"))).AssertStatus(HttpStatusCode.OK);
        await _client.LoginOkAsync(account);
    }

    [Fact]
    public async Task Sign_in_accepts_the_email_address_in_place_of_the_username()
    {
        var account = await api.CreateVerifiedAccountAsync();

        (await _client.LoginAsync(account.Email, account.Password)).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Login_answers_with_a_bearer_pair_and_its_lifetime()
    {
        var account = await api.CreateVerifiedAccountAsync();

        var body = await (await _client.LoginAsync(account.Username, account.Password)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal(900, body["expires_in"]!.GetValue<int>());
        Assert.Equal(3, body["access"]!.GetValue<string>().Split('.').Length);
        Assert.True(body["refresh"]!.GetValue<string>().Length >= 40);
    }

    [Fact]
    public async Task Refresh_rotates_and_reusing_an_old_refresh_token_revokes_the_whole_login()
    {
        var account = await api.CreateVerifiedAccountAsync();
        var first = await _client.LoginOkAsync(account);

        var rotated = await (await _client.RefreshAsync(first.Refresh)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        var second = rotated["refresh"]!.GetValue<string>();
        Assert.NotEqual(first.Refresh, second);
        using (var me = api.CreateClient(rotated["access"]!.GetValue<string>()))
        {
            (await me.GetAsync("/api/auth/me/", Ct)).AssertStatus(HttpStatusCode.OK);
        }

        // The first token is replayed: the login is treated as stolen.
        await (await _client.RefreshAsync(first.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        // ...so even the newest token of that login no longer works.
        await (await _client.RefreshAsync(second)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Reuse_detection_leaves_other_logins_of_the_same_user_alone()
    {
        var account = await api.CreateVerifiedAccountAsync();
        var laptop = await _client.LoginOkAsync(account);
        var phone = await _client.LoginOkAsync(account);

        (await _client.RefreshAsync(laptop.Refresh)).AssertStatus(HttpStatusCode.OK);
        (await _client.RefreshAsync(laptop.Refresh)).AssertStatus(HttpStatusCode.Unauthorized);

        (await _client.RefreshAsync(phone.Refresh)).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Logout_makes_the_refresh_token_unusable()
    {
        var account = await api.CreateVerifiedAccountAsync();
        var tokens = await _client.LoginOkAsync(account);

        var logout = await _client.PostAsJsonAsync("/api/auth/logout/", new { refresh = tokens.Refresh }, Ct);
        logout.AssertStatus(HttpStatusCode.NoContent);

        await (await _client.RefreshAsync(tokens.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Unknown_user_and_wrong_password_get_the_same_401()
    {
        var account = await api.CreateVerifiedAccountAsync();

        var wrongPassword = await (await _client.LoginAsync(account.Username, "wrong-password")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var unknownUser = await (await _client.LoginAsync("nobody_" + Guid.NewGuid().ToString("N")[..8], "wrong-password")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(wrongPassword["title"]!.GetValue<string>(), unknownUser["title"]!.GetValue<string>());
        Assert.Equal(wrongPassword["detail"]!.GetValue<string>(), unknownUser["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Signup_with_a_registered_email_answers_like_a_new_one_and_tells_the_owner()
    {
        var owner = await api.CreateVerifiedAccountAsync();
        var intruder = Accounts.NewAccount() with { Email = owner.Email };

        var response = await _client.SignupAsync(intruder);
        var fresh = await _client.SignupAsync(Accounts.NewAccount());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var existingBody = await response.JsonAsync();
        var freshBody = await fresh.JsonAsync();
        Assert.Equal(freshBody["detail"]!.GetValue<string>(), existingBody["detail"]!.GetValue<string>());
        Assert.Equal(
            freshBody.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal),
            existingBody.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        var notice = api.Mailbox.To(owner.Email).Last();
        Assert.Contains("already", notice.Subject, StringComparison.OrdinalIgnoreCase);
        // No second account was made: the intruder's username is still free and cannot sign in.
        (await _client.LoginAsync(intruder.Username, intruder.Password)).AssertStatus(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Signup_with_a_taken_username_is_a_400_on_username()
    {
        var first = Accounts.NewAccount();
        await _client.SignupAsync(first);

        var again = await _client.SignupAsync(Accounts.NewAccount() with { Username = first.Username });

        await again.AssertValidationProblemAsync("username");
    }

    [Fact]
    public async Task Signup_with_a_short_password_is_a_400_on_password_and_creates_nothing()
    {
        var account = Accounts.NewAccount() with { Password = "short" };

        await (await _client.SignupAsync(account)).AssertValidationProblemAsync("password");

        Assert.Empty(api.Mailbox.To(account.Email));
        (await _client.SignupAsync(account with { Password = "long-enough" })).AssertStatus(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Resend_and_password_reset_answer_202_for_unknown_addresses_and_send_nothing()
    {
        var nobody = $"nobody_{Guid.NewGuid():N}@example.com";

        (await _client.PostAsJsonAsync("/api/auth/resend-verification/", new { email = nobody }, Ct)).AssertStatus(HttpStatusCode.Accepted);
        (await _client.PostAsJsonAsync("/api/auth/password-reset/", new { email = nobody }, Ct)).AssertStatus(HttpStatusCode.Accepted);

        Assert.Empty(api.Mailbox.To(nobody));
    }

    [Fact]
    public async Task Password_reset_sets_the_new_password_once_and_signs_out_every_session()
    {
        var account = await api.CreateVerifiedAccountAsync();
        var session = await _client.LoginOkAsync(account);

        (await _client.PostAsJsonAsync("/api/auth/password-reset/", new { email = account.Email }, Ct)).AssertStatus(HttpStatusCode.Accepted);
        var (uid, token) = api.Mailbox.LatestLink(account.Email, "reset-password");
        var confirm = await _client.PostAsJsonAsync("/api/auth/password-reset/confirm/",
            new { uid, token, new_password = "a-brand-new-password" }, Ct);
        confirm.AssertStatus(HttpStatusCode.NoContent);

        (await _client.LoginAsync(account.Username, account.Password)).AssertStatus(HttpStatusCode.Unauthorized);
        (await _client.LoginAsync(account.Username, "a-brand-new-password")).AssertStatus(HttpStatusCode.OK);
        (await _client.RefreshAsync(session.Refresh)).AssertStatus(HttpStatusCode.Unauthorized);

        var replay = await _client.PostAsJsonAsync("/api/auth/password-reset/confirm/",
            new { uid, token, new_password = "yet-another-password" }, Ct);
        await replay.AssertValidationProblemAsync("token");
        (await _client.LoginAsync(account.Username, "a-brand-new-password")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Password_reset_with_a_weak_password_keeps_the_link_usable()
    {
        var account = await api.CreateVerifiedAccountAsync();
        await _client.PostAsJsonAsync("/api/auth/password-reset/", new { email = account.Email }, Ct);
        var (uid, token) = api.Mailbox.LatestLink(account.Email, "reset-password");

        var weak = await _client.PostAsJsonAsync("/api/auth/password-reset/confirm/", new { uid, token, new_password = "short" }, Ct);
        await weak.AssertValidationProblemAsync("new_password");

        var strong = await _client.PostAsJsonAsync("/api/auth/password-reset/confirm/", new { uid, token, new_password = "long-enough-now" }, Ct);
        strong.AssertStatus(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Me_can_be_renamed_but_not_to_a_taken_username()
    {
        var account = await api.CreateVerifiedAccountAsync();
        var other = await api.CreateVerifiedAccountAsync();
        using var me = api.CreateClient((await _client.LoginOkAsync(account)).Access);

        var newName = "renamed_" + Guid.NewGuid().ToString("N")[..8];
        var renamed = await (await me.PatchAsJsonAsync("/api/auth/me/", new { username = newName }, Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(newName, renamed["username"]!.GetValue<string>());

        await (await me.PatchAsJsonAsync("/api/auth/me/", new { username = other.Username }, Ct)).AssertValidationProblemAsync("username");
        var profile = await (await me.GetAsync("/api/auth/me/", Ct)).JsonAsync();
        Assert.Equal(newName, profile["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleting_the_account_needs_the_password_and_then_removes_it()
    {
        var account = await api.CreateVerifiedAccountAsync();
        var tokens = await _client.LoginOkAsync(account);
        using var me = api.CreateClient(tokens.Access);

        using var wrong = new HttpRequestMessage(HttpMethod.Delete, "/api/auth/me/") { Content = JsonContent.Create(new { password = "not-it-at-all" }) };
        await (await me.SendAsync(wrong, Ct)).AssertValidationProblemAsync("password");
        (await me.GetAsync("/api/auth/me/", Ct)).AssertStatus(HttpStatusCode.OK);

        using var right = new HttpRequestMessage(HttpMethod.Delete, "/api/auth/me/") { Content = JsonContent.Create(new { password = account.Password }) };
        (await me.SendAsync(right, Ct)).AssertStatus(HttpStatusCode.NoContent);

        (await _client.LoginAsync(account.Username, account.Password)).AssertStatus(HttpStatusCode.Unauthorized);
        (await _client.RefreshAsync(tokens.Refresh)).AssertStatus(HttpStatusCode.Unauthorized);
        (await me.GetAsync("/api/auth/me/", Ct)).AssertStatus(HttpStatusCode.Unauthorized);
        // The username and the address can be used again.
        (await _client.SignupAsync(account)).AssertStatus(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Paths_work_with_and_without_the_trailing_slash()
    {
        var account = await api.CreateVerifiedAccountAsync();

        var withoutSlash = await _client.PostAsJsonAsync("/api/auth/login", new { username = account.Username, password = account.Password }, Ct);

        withoutSlash.AssertStatus(HttpStatusCode.OK);
    }
}
