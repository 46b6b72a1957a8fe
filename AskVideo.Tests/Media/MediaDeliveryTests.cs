using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Sharing;
using AskVideo.Tests.Videos;

namespace AskVideo.Tests.Media;

/// <summary>Protected media: who may play a file, and that every byte range is the stored bytes.</summary>
public sealed class MediaDeliveryTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(SignedInUser Owner, int VideoId, byte[] Stored, string MediaUrl)> UploadedAsync()
    {
        var owner = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp4", cancellationToken: Ct);
        var video = await owner.Client.UploadOkAsync(path, "talk.mp4");
        var id = video["id"]!.GetValue<int>();
        return (owner, id, await File.ReadAllBytesAsync(path, Ct), video["media_url"]!.GetValue<string>());
    }

    /// <summary>
    /// About 5.8 MB of white noise (48 kHz stereo WAV), so that the body spans many send chunks and
    /// bytes from a wrong offset never look right.
    /// </summary>
    private async Task<(SignedInUser Owner, int VideoId, byte[] Stored)> UploadedLargeAsync()
    {
        var path = Path.Combine(api.Servers.RunDirectory, $"noise-{Guid.NewGuid():N}.wav");
        Directory.CreateDirectory(api.Servers.RunDirectory);
        await TestMedia.RunAsync("ffmpeg",
            $"-hide_banner -loglevel error -y -f lavfi -i anoisesrc=d=30:c=white:r=48000:seed=7 -ac 2 -c:a pcm_s16le \"{path}\"", Ct);
        var owner = await api.SignInNewUserAsync();
        var video = await owner.Client.UploadOkAsync(path, "noise.wav");
        var stored = await File.ReadAllBytesAsync(path, Ct);
        File.Delete(path);
        return (owner, video["id"]!.GetValue<int>(), stored);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string? range = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (range is not null)
        {
            request.Headers.Range = RangeHeaderValue.Parse(range);
        }
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task The_owner_gets_the_whole_file_with_validators_and_range_support()
    {
        var (owner, id, stored, _) = await UploadedAsync();

        var response = await GetAsync(owner.Client, $"/api/media/videos/{id}");

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(stored, await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
    }

    [Theory]
    [InlineData("bytes=0-99", 0, 100)]
    [InlineData("bytes=1000-1999", 1000, 1000)]
    public async Task A_range_request_gets_exactly_those_stored_bytes(string range, int offset, int length)
    {
        var (owner, id, stored, _) = await UploadedAsync();

        var response = await GetAsync(owner.Client, $"/api/media/videos/{id}", range);

        response.AssertStatus(HttpStatusCode.PartialContent);
        Assert.Equal(stored.AsSpan(offset, length).ToArray(), await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal($"bytes {offset}-{offset + length - 1}/{stored.Length}", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task A_multi_megabyte_file_arrives_byte_for_byte()
    {
        var (owner, id, stored) = await UploadedLargeAsync();

        var response = await GetAsync(owner.Client, $"/api/media/videos/{id}");

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(stored.Length, response.Content.Headers.ContentLength);
        Assert.Equal(stored, await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task A_multi_megabyte_range_at_an_odd_offset_gets_exactly_those_stored_bytes()
    {
        var (owner, id, stored) = await UploadedLargeAsync();
        const int offset = 300_001;
        const int length = (3 << 20) + 17;

        var response = await GetAsync(owner.Client, $"/api/media/videos/{id}", $"bytes={offset}-{offset + length - 1}");

        response.AssertStatus(HttpStatusCode.PartialContent);
        Assert.Equal(stored.AsSpan(offset, length).ToArray(), await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal($"bytes {offset}-{offset + length - 1}/{stored.Length}", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task A_HEAD_request_gets_the_headers_and_no_body()
    {
        var (owner, id, stored, _) = await UploadedAsync();

        using var request = new HttpRequestMessage(HttpMethod.Head, $"/api/media/videos/{id}");
        var response = await owner.Client.SendAsync(request, Ct);

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(stored.Length, response.Content.Headers.ContentLength);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.NotNull(response.Headers.ETag);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task A_range_with_a_stale_If_Range_gets_the_whole_file()
    {
        var (owner, id, stored, _) = await UploadedAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/media/videos/{id}");
        request.Headers.Range = new RangeHeaderValue(0, 9);
        request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"not-the-current-version\""));
        var response = await owner.Client.SendAsync(request, Ct);

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(stored, await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task A_suffix_range_gets_the_last_bytes()
    {
        var (owner, id, stored, _) = await UploadedAsync();

        var response = await GetAsync(owner.Client, $"/api/media/videos/{id}", "bytes=-100");

        response.AssertStatus(HttpStatusCode.PartialContent);
        Assert.Equal(stored[^100..], await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task A_range_beyond_the_end_is_416()
    {
        var (owner, id, stored, _) = await UploadedAsync();

        var response = await GetAsync(owner.Client, $"/api/media/videos/{id}", $"bytes={stored.Length + 10}-");

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{stored.Length}", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task A_cached_copy_is_confirmed_with_304()
    {
        var (owner, id, _, _) = await UploadedAsync();
        var first = await GetAsync(owner.Client, $"/api/media/videos/{id}");

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/media/videos/{id}");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var response = await owner.Client.SendAsync(again, Ct);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task The_media_url_of_a_video_plays_without_any_header()
    {
        var (_, _, stored, mediaUrl) = await UploadedAsync();
        using var browser = api.CreateClient();

        var response = await GetAsync(browser, mediaUrl, "bytes=0-9");

        response.AssertStatus(HttpStatusCode.PartialContent);
        Assert.Equal(stored[..10], await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task A_tampered_signed_url_is_404()
    {
        var (_, _, _, mediaUrl) = await UploadedAsync();
        using var browser = api.CreateClient();
        var last = mediaUrl[^1];
        var tampered = mediaUrl[..^1] + (last == '0' ? '1' : '0');

        await (await GetAsync(browser, tampered)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_signed_url_for_one_video_does_not_open_another()
    {
        var (_, _, _, mediaUrl) = await UploadedAsync();
        var (_, otherId, _, _) = await UploadedAsync();
        using var browser = api.CreateClient();
        var query = new Uri(mediaUrl).Query;

        await (await GetAsync(browser, $"/api/media/videos/{otherId}{query}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_expired_signed_url_is_404_even_with_a_valid_signature()
    {
        var (_, id, _, _) = await UploadedAsync();
        using var browser = api.CreateClient();
        var expired = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        var fresh = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();

        // The same signing scheme with the server's key: valid while fresh, refused once expired.
        (await GetAsync(browser, SignedPath(id, fresh))).AssertStatus(HttpStatusCode.OK);
        await (await GetAsync(browser, SignedPath(id, expired))).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_user_and_anonymous_callers_get_404()
    {
        var (_, id, _, _) = await UploadedAsync();
        var stranger = await api.SignInNewUserAsync();
        using var anonymous = api.CreateClient();

        await (await GetAsync(stranger.Client, $"/api/media/videos/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await GetAsync(anonymous, $"/api/media/videos/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_share_token_plays_the_videos_of_its_group_and_nothing_else()
    {
        var (owner, shared, stored, _) = await UploadedAsync();
        var notShared = (await owner.Client.UploadOkAsync(await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct)))["id"]!.GetValue<int>();
        var group = await owner.Client.CreateGroupOkAsync("Shared talks");
        await owner.Client.AddVideosOkAsync(group, shared);
        var token = await owner.Client.ShareOkAsync(group);
        using var guest = api.CreateClient();

        var played = await GetAsync(guest, $"/api/media/videos/{shared}?share_token={token}", "bytes=0-9");
        var refused = await GetAsync(guest, $"/api/media/videos/{notShared}?share_token={token}");

        played.AssertStatus(HttpStatusCode.PartialContent);
        Assert.Equal(stored[..10], await played.Content.ReadAsByteArrayAsync(Ct));
        await refused.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_revoked_share_token_plays_nothing()
    {
        var (owner, shared, _, _) = await UploadedAsync();
        var group = await owner.Client.CreateGroupOkAsync("Briefly shared");
        await owner.Client.AddVideosOkAsync(group, shared);
        var token = await owner.Client.ShareOkAsync(group);
        (await owner.Client.DeleteAsync($"/api/videos/groups/{group}/share/", Ct)).AssertStatus(HttpStatusCode.NoContent);
        using var guest = api.CreateClient();

        await (await GetAsync(guest, $"/api/media/videos/{shared}?share_token={token}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private string SignedPath(int videoId, long expires)
    {
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromBase64String(api.MediaSigningKey),
            Encoding.ASCII.GetBytes($"video:{videoId.ToString(CultureInfo.InvariantCulture)}:{expires.ToString(CultureInfo.InvariantCulture)}")));
        return $"/api/media/videos/{videoId}?expires={expires}&signature={signature}";
    }
}
