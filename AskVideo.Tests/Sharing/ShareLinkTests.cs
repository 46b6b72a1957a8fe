using System.Net;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;

namespace AskVideo.Tests.Sharing;

/// <summary>An API whose share links point at a front end with a path and a trailing slash.</summary>
public sealed class FrontEndApiFactory(TestServices services) : ApiFactory(services)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Sharing:LinkBaseUrl"] = "https://front.example/app/",
    };
}

public sealed class ShareLinkTests(FrontEndApiFactory api) : IClassFixture<FrontEndApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sharing_a_group_gives_a_random_256_bit_token_and_a_front_end_link()
    {
        using var user = await api.SignInNewUserAsync();
        var group = await user.Client.CreateGroupOkAsync();

        var response = await user.Client.PostAsync($"/api/videos/groups/{group}/share/", null, Ct);

        var link = await response.AssertStatus(HttpStatusCode.Created).JsonAsync();
        var token = link["share_token"]!.GetValue<string>();
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
        Assert.Equal(32, Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.Equal($"https://front.example/app/share/{token}", link["share_url"]!.GetValue<string>());
        Assert.True((await user.Client.GetGroupOkAsync(group))["is_shared"]!.GetValue<bool>());

        var other = await user.Client.ShareOkAsync(await user.Client.CreateGroupOkAsync("Another"));
        Assert.NotEqual(token, other);
    }

    [Fact]
    public async Task The_owner_reads_the_current_link_and_gets_a_404_when_there_is_none()
    {
        using var user = await api.SignInNewUserAsync();
        var group = await user.Client.CreateGroupOkAsync();

        await (await user.Client.GetAsync($"/api/videos/groups/{group}/share/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);

        var token = await user.Client.ShareOkAsync(group);
        var link = await (await user.Client.GetAsync($"/api/videos/groups/{group}/share/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(token, link["share_token"]!.GetValue<string>());
        Assert.Equal($"https://front.example/app/share/{token}", link["share_url"]!.GetValue<string>());
        Assert.NotNull(link["created_at"]);
    }

    [Fact]
    public async Task Sharing_again_replaces_the_token_and_the_old_one_stops_working_at_once()
    {
        using var user = await api.SignInNewUserAsync();
        var group = await user.Client.CreateGroupOkAsync("Replaced");
        var old = await user.Client.ShareOkAsync(group);
        (await api.OpenShareAsync(old)).AssertStatus(HttpStatusCode.OK);

        var replacement = await user.Client.ShareOkAsync(group);

        Assert.NotEqual(old, replacement);
        await (await api.OpenShareAsync(old)).AssertProblemAsync(HttpStatusCode.NotFound);
        var view = await (await api.OpenShareAsync(replacement)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal("Replaced", view["name"]!.GetValue<string>());
        var current = await (await user.Client.GetAsync($"/api/videos/groups/{group}/share/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(replacement, current["share_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task Revoking_the_link_closes_it_at_once()
    {
        using var user = await api.SignInNewUserAsync();
        var group = await user.Client.CreateGroupOkAsync();
        var token = await user.Client.ShareOkAsync(group);

        (await user.Client.DeleteAsync($"/api/videos/groups/{group}/share/", Ct)).AssertStatus(HttpStatusCode.NoContent);

        await (await api.OpenShareAsync(token)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.Client.GetAsync($"/api/videos/groups/{group}/share/", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.False((await user.Client.GetGroupOkAsync(group))["is_shared"]!.GetValue<bool>());
        // Revoking what is already revoked changes nothing and says so plainly.
        (await user.Client.DeleteAsync($"/api/videos/groups/{group}/share/", Ct)).AssertStatus(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Deleting_a_shared_group_closes_its_link()
    {
        using var user = await api.SignInNewUserAsync();
        var group = await user.Client.CreateGroupOkAsync();
        var token = await user.Client.ShareOkAsync(group);

        (await user.Client.DeleteAsync($"/api/videos/groups/{group}/", Ct)).AssertStatus(HttpStatusCode.NoContent);

        await (await api.OpenShareAsync(token)).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
