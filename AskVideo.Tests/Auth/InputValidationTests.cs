using System.Net;
using System.Net.Http.Json;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.Auth;

public sealed class InputValidationTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly HttpClient _client = api.CreateClient();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Malformed_json_is_a_400_naming_the_body()
    {
        var response = await _client.PostAsync("/api/auth/signup/", Accounts.RawJson("{\"username\": \"abc\", "), Ct);

        await response.AssertValidationProblemAsync("body");
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_a_400_naming_that_field()
    {
        var response = await _client.PostAsync("/api/auth/login/", Accounts.RawJson("{\"username\": 42, \"password\": \"x\"}"), Ct);

        await response.AssertValidationProblemAsync("username");
    }

    [Fact]
    public async Task Missing_fields_are_a_400_naming_each_of_them()
    {
        var response = await _client.PostAsync("/api/auth/signup/", Accounts.RawJson("{\"username\": \"someone\"}"), Ct);

        await response.AssertValidationProblemAsync("email", "password");
    }

    [Fact]
    public async Task An_empty_body_is_a_400_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login/") { Content = Accounts.RawJson("") };

        await (await _client.SendAsync(request, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        using var content = new StringContent("username=a&password=b", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        await (await _client.PostAsync("/api/auth/login/", content, Ct)).AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("two@@example.com")]
    [InlineData("user@localhost")]
    public async Task Invalid_email_addresses_are_a_400_on_email(string email)
    {
        var account = Accounts.NewAccount() with { Email = email };

        await (await _client.SignupAsync(account)).AssertValidationProblemAsync("email");
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    public async Task Invalid_usernames_are_a_400_on_username(string username)
    {
        var account = Accounts.NewAccount() with { Username = username };

        await (await _client.SignupAsync(account)).AssertValidationProblemAsync("username");
        Assert.Empty(api.Mailbox.To(account.Email));
    }

    [Fact]
    public async Task A_huge_password_is_rejected_before_hashing()
    {
        var response = await _client.LoginAsync("someone", new string('x', 10_000));

        await response.AssertValidationProblemAsync("password");
    }

    [Fact]
    public async Task A_hostile_uid_in_a_verification_link_is_a_400()
    {
        var response = await _client.PostAsJsonAsync("/api/auth/verify-email/", new { uid = "1 OR 1=1", token = "x" }, Ct);

        await response.AssertValidationProblemAsync("token");
    }

    [Fact]
    public async Task Unknown_paths_are_a_404_problem_for_a_signed_in_user_and_a_401_for_anyone_else()
    {
        var account = await api.CreateVerifiedAccountAsync();
        using var signedIn = api.CreateClient((await _client.LoginOkAsync(account)).Access);

        await (await signedIn.GetAsync("/api/nothing-here/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/api/nothing-here/", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
