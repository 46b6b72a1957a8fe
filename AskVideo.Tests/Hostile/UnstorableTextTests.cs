using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Hostile;

/// <summary>
/// Text PostgreSQL cannot store (U+0000, lone surrogates, invalid UTF-8) is refused with a 400
/// naming the field, whichever way it arrives, and nothing is written.
/// </summary>
public sealed class UnstorableTextTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_nul_in_a_json_field_is_a_400_naming_that_field_and_nothing_is_stored()
    {
        using var user = await api.SignInNewUserAsync();

        var response = await user.Client.PostAsync("/api/videos/groups/", Accounts.RawJson("""{"name":"Lec\u0000tures"}"""), Ct);

        await response.AssertValidationProblemAsync("name");
        await using var db = api.OpenDb();
        Assert.False(await db.VideoGroups.AnyAsync(g => g.OwnerId == user.Id, Ct));
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_nested_json_field_is_a_400_naming_its_path()
    {
        using var user = await api.SignInNewUserAsync();
        var group = await user.Client.CreateGroupOkAsync();

        var response = await user.Client.PostAsync("/api/chat/",
            Accounts.RawJson($$"""{"group_id":{{group}},"messages":[{"role":"user","content":"why \ud800?"}]}"""), Ct);

        await response.AssertValidationProblemAsync("messages[0].content");
    }

    [Fact]
    public async Task Invalid_utf8_in_a_json_body_is_a_400_problem()
    {
        using var user = await api.SignInNewUserAsync();
        var video = await api.InsertVideoAsync(user.Id, v => v.Title = "Kept");
        using var content = new ByteArrayContent([.. "{\"title\":\"a"u8, 0xC3, 0x28, .. "\"}"u8]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await user.Client.PatchAsync($"/api/videos/{video.Id}/", content, Ct);

        await response.AssertValidationProblemAsync("title");
        await using var db = api.OpenDb();
        Assert.Equal("Kept", (await db.Videos.SingleAsync(v => v.Id == video.Id, Ct)).Title);
    }

    [Theory]
    [InlineData("/api/videos/?q=a%00b", "q")]
    [InlineData("/api/videos/groups/?limit=1&sort%00=x", "sort\uFFFD")]
    public async Task A_nul_in_a_query_parameter_is_a_400_naming_it(string url, string field)
    {
        using var user = await api.SignInNewUserAsync();

        await (await user.Client.GetAsync(url, Ct)).AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task A_nul_in_a_share_token_is_a_400_naming_it()
    {
        using var anonymous = api.CreateClient();

        await (await anonymous.GetAsync("/api/media/videos/1?share_token=ab%00cd", Ct)).AssertValidationProblemAsync("share_token");
        using var head = new HttpRequestMessage(HttpMethod.Head, "/api/media/videos/1?share_token=%00");
        (await anonymous.SendAsync(head, Ct)).AssertStatus(HttpStatusCode.BadRequest);
    }

    /// <summary>
    /// Kestrel refuses a decoded NUL in the path while it parses the request line, before any
    /// application code runs, and that answer cannot be given a body. It is still a 400, never a 5xx.
    /// </summary>
    [Theory]
    [InlineData("/api/videos/%00/")]
    [InlineData("/api/share/ab%00cd/")]
    public async Task A_nul_in_the_path_is_refused_by_the_server_with_a_400(string url)
    {
        using var anonymous = api.CreateClient();

        (await anonymous.GetAsync(url, Ct)).AssertStatus(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Multipart_text_that_cannot_be_stored_is_a_400_naming_the_part()
    {
        using var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);

        await (await Upload(user.Client, path, "talk.mp3", ("title", "Talk\0"u8.ToArray()))).AssertValidationProblemAsync("title");
        await (await Upload(user.Client, path, "talk.mp3", ("description", [0x61, 0xFF, 0x62]))).AssertValidationProblemAsync("description");
        await (await Upload(user.Client, path, "ta\0lk.mp3")).AssertValidationProblemAsync("file");
        await using var db = api.OpenDb();
        Assert.False(await db.Videos.AnyAsync(v => v.OwnerId == user.Id, Ct));
        Assert.Empty(api.MediaEntries());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("99999999999999")]
    [InlineData("-1")]
    [InlineData("1e3")]
    public async Task A_password_reset_with_a_uid_that_is_no_user_id_is_a_400_problem(string uid)
    {
        using var anonymous = api.CreateClient();

        var response = await anonymous.PostAsync("/api/auth/password-reset/confirm/",
            Accounts.RawJson($$"""{"uid":"{{uid}}","token":"x","new_password":"A-long-enough-password-1"}"""), Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/videos/abc/")]
    [InlineData("/api/videos/12abc/")]
    [InlineData("/api/videos/0/")]
    [InlineData("/api/videos/99999999999/")]
    [InlineData("/api/videos/-1/")]
    [InlineData("/api/videos/groups/1%2F..%2F2/")]
    public async Task A_path_id_that_cannot_parse_is_answered_with_a_problem(string url)
    {
        using var user = await api.SignInNewUserAsync();

        using var response = await user.Client.GetAsync(url, Ct);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{url}: {(int)response.StatusCode}");
        await response.AssertProblemAsync(response.StatusCode);
    }

    private static async Task<HttpResponseMessage> Upload(HttpClient client, string path, string fileName, params (string Name, byte[] Value)[] parts)
    {
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(File.OpenRead(path));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        // A raw header, so that the name reaches the server byte for byte.
        file.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"file\"; filename=\"{fileName}\"");
        form.Add(file);
        foreach (var (name, value) in parts)
        {
            var text = new ByteArrayContent(value);
            text.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"{name}\"");
            form.Add(text);
        }
        return await client.PostAsync("/api/videos/", form, Ct);
    }
}
