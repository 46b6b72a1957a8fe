using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AskVideo.Core.Jobs;
using AskVideo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Videos;

public sealed partial class UploadTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly string[] s_videoFormats = [".webm", ".mp4", ".mpeg", ".mov", ".mkv", ".avi", ".m4v"];
    private CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestMedia Media => api.Servers.Media;

    public static TheoryData<string> AcceptedFormats => [.. TestMedia.Extensions];

    [Theory]
    [MemberData(nameof(AcceptedFormats))]
    public async Task Each_accepted_format_uploads_as_a_pending_video_whose_job_is_queued(string extension)
    {
        using var user = await api.SignInNewUserAsync();
        var path = await Media.SpokenAsync(extension, cancellationToken: Ct);

        var response = await user.Client.UploadAsync(path, $"sample{extension}", description: "A spoken sentence.");

        var video = await response.AssertStatus(HttpStatusCode.Created).JsonAsync();
        var id = video["id"]!.GetValue<int>();
        Assert.Equal($"/api/videos/{id}/", response.Headers.Location?.OriginalString);
        Assert.Equal("sample", video["title"]!.GetValue<string>());
        Assert.Equal("A spoken sentence.", video["description"]!.GetValue<string>());
        Assert.Equal("pending", video["status"]!.GetValue<string>());
        Assert.Equal("queued", video["progress"]!["stage"]!.GetValue<string>());
        Assert.Equal(0, video["progress"]!["percent"]!.GetValue<int>());
        Assert.InRange(video["duration_seconds"]!.GetValue<double>(), 2, 10);
        Assert.StartsWith($"http://", video["media_url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"/api/media/videos/{id}?expires=", video["media_url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(video["error_message"]);
        Assert.True(video.AsObject().ContainsKey("media_url") && video.AsObject().ContainsKey("error_message"));

        await using var db = api.OpenDb();
        var row = await db.Videos.SingleAsync(v => v.Id == id, Ct);
        Assert.Equal(user.Id, row.OwnerId);
        Assert.Equal(new FileInfo(path).Length, row.SizeBytes);
        Assert.Equal(s_videoFormats.Contains(extension), row.HasVideoTrack);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(Path.Combine(api.MediaRoot, row.StorageKey)));

        var job = await db.Jobs.SingleAsync(j => j.VideoId == id, Ct);
        Assert.Equal(JobStatus.Pending, job.Status);
        Assert.Equal(3, job.MaxAttempts);
        Assert.True(job.NotBefore > job.CreatedAt, "The relay must leave a fresh job to the API's own publish.");
        Assert.NotNull(job.PublishedAt);
        Assert.Matches(TraceParent(), job.TraceParent);
        Assert.True(await api.StreamHasJobAsync(job), $"Job {job.Id} is not on the stream.");
    }

    [Fact]
    public async Task Text_renamed_to_mp4_is_refused_with_415_listing_the_accepted_types_and_leaves_nothing()
    {
        using var user = await api.SignInNewUserAsync();
        var before = api.MediaEntries();

        var response = await user.Client.UploadAsync(Media.Text("notes.txt", "Meeting notes, not a video. " + new string('x', 5000)), "notes.mp4");

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains(".mp4", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(".flac", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(TestMedia.Extensions.Order(StringComparer.Ordinal),
            problem["accepted_extensions"]!.AsArray().Select(e => e!.GetValue<string>()).Order(StringComparer.Ordinal));
        await AssertNothingLeftAsync(user, before);
    }

    [Fact]
    public async Task A_file_with_an_extension_that_is_not_accepted_is_refused_with_415_before_it_is_stored()
    {
        using var user = await api.SignInNewUserAsync();
        var before = api.MediaEntries();

        var response = await user.Client.UploadAsync(await Media.SpokenAsync(".mp4", cancellationToken: Ct), "talk.exe");

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains(".m4v", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNothingLeftAsync(user, before);
    }

    [Fact]
    public async Task A_video_without_sound_named_as_audio_is_refused_with_415_because_its_content_does_not_fit()
    {
        using var user = await api.SignInNewUserAsync();
        var before = api.MediaEntries();

        var response = await user.Client.UploadAsync(await Media.SilentVideoAsync(Ct), "song.mp3");

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains(".mp3", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNothingLeftAsync(user, before);
    }

    [Fact]
    public async Task A_video_without_sound_under_a_video_extension_is_accepted_for_the_pipeline_to_judge()
    {
        using var user = await api.SignInNewUserAsync();

        var video = await user.Client.UploadOkAsync(await Media.SilentVideoAsync(Ct), "silent.mp4");

        Assert.Equal("pending", video["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_empty_file_is_refused_with_400_on_file_and_leaves_nothing()
    {
        using var user = await api.SignInNewUserAsync();
        var before = api.MediaEntries();

        var response = await user.Client.UploadAsync(Media.Text("empty.bin", ""), "empty.mp4");

        await response.AssertValidationProblemAsync("file");
        await AssertNothingLeftAsync(user, before);
    }

    [Fact]
    public async Task An_upload_without_a_file_part_is_refused_with_400_on_file()
    {
        using var user = await api.SignInNewUserAsync();
        using var form = new MultipartFormDataContent { { new StringContent("A title"), "title" } };

        var response = await user.Client.PostAsync("/api/videos/", form, Ct);

        await response.AssertValidationProblemAsync("file");
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_is_refused_with_415()
    {
        using var user = await api.SignInNewUserAsync();

        var response = await user.Client.PostAsync("/api/videos/", Accounts.RawJson("""{"title":"x"}"""), Ct);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Uploading_needs_a_signed_in_user()
    {
        using var anonymous = api.CreateClient();

        var response = await anonymous.UploadAsync(await Media.SpokenAsync(".mp3", cancellationToken: Ct));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Title_and_description_from_the_form_are_kept_and_checked()
    {
        using var user = await api.SignInNewUserAsync();
        var path = await Media.SpokenAsync(".mp3", cancellationToken: Ct);
        var before = api.MediaEntries();

        await (await user.Client.UploadAsync(path, title: new string('t', 256))).AssertValidationProblemAsync("title");
        await (await user.Client.UploadAsync(path, description: new string('d', 5001))).AssertValidationProblemAsync("description");
        await AssertNothingLeftAsync(user, before);

        var video = await (await user.Client.UploadAsync(path, title: "  Team meeting  ", description: "Weekly sync"))
            .AssertStatus(HttpStatusCode.Created).JsonAsync();
        Assert.Equal("Team meeting", video["title"]!.GetValue<string>());
        Assert.Equal("Weekly sync", video["description"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("../../x.mp4", "x.mp4")]
    [InlineData(@"C:\Users\someone\clip.mp4", "clip.mp4")]
    [InlineData("vidéo 日本.mp4", "vidéo 日本.mp4")]
    public async Task Hostile_file_names_are_kept_only_as_display_names(string sent, string kept)
    {
        using var user = await api.SignInNewUserAsync();
        var path = await Media.SpokenAsync(".mp4", cancellationToken: Ct);

        var video = await user.Client.UploadOkAsync(path, sent);

        Assert.Equal(Path.GetFileNameWithoutExtension(kept), video["title"]!.GetValue<string>());
        Assert.Equal(kept, video["original_file_name"]!.GetValue<string>());
        await AssertStoredUnderServerKeyAsync(video["id"]!.GetValue<int>(), kept);
        Assert.False(File.Exists(Path.GetFullPath(Path.Combine(api.MediaRoot, "../../x.mp4"))));
    }

    [Fact]
    public async Task A_very_long_file_name_is_cut_to_255_characters_keeping_its_extension()
    {
        using var user = await api.SignInNewUserAsync();
        var sent = new string('a', 300) + ".mp4";

        var video = await user.Client.UploadOkAsync(await Media.SpokenAsync(".mp4", cancellationToken: Ct), sent);

        var kept = video["original_file_name"]!.GetValue<string>();
        Assert.Equal(255, kept.Length);
        Assert.EndsWith(".mp4", kept, StringComparison.Ordinal);
        Assert.Equal(251, video["title"]!.GetValue<string>().Length);
        await AssertStoredUnderServerKeyAsync(video["id"]!.GetValue<int>(), kept);
    }

    [Fact]
    public async Task Control_characters_and_direction_marks_are_removed_from_a_raw_utf8_file_name()
    {
        using var user = await api.SignInNewUserAsync();
        var bytes = await File.ReadAllBytesAsync(await Media.SpokenAsync(".mp4", cancellationToken: Ct), Ct);
        // As a browser sends it: raw UTF-8 in filename, no filename*.
        var head = Encoding.UTF8.GetBytes(
            "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cl\u0007ip\u202Egpj.mp4 – été\u0001.mp4\"\r\n" +
            "Content-Type: application/octet-stream\r\n\r\n");
        var tail = Encoding.UTF8.GetBytes("\r\n--b0undary--\r\n");
        using var content = new ByteArrayContent([.. head, .. bytes, .. tail]);
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b0undary");

        var video = await (await user.Client.PostAsync("/api/videos/", content, Ct)).AssertStatus(HttpStatusCode.Created).JsonAsync();

        Assert.Equal("clipgpj.mp4 – été.mp4", video["original_file_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_upload_as_a_multipart_form_with_a_binary_file()
    {
        using var anonymous = api.CreateClient();

        var document = await (await anonymous.GetAsync("/openapi/v1.json", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        var upload = document["paths"]!["/api/videos"]!["post"]!;
        var form = upload["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!;
        Assert.Equal("binary", form["properties"]!["file"]!["format"]!.GetValue<string>());
        Assert.Equal(["file"], form["required"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.True(upload["responses"]!.AsObject().ContainsKey("201"));
        Assert.NotNull(document["paths"]!["/api/videos/{id}/events"]!["get"]);
    }

    private async Task AssertStoredUnderServerKeyAsync(int videoId, string originalFileName)
    {
        await using var db = api.OpenDb();
        var row = await db.Videos.SingleAsync(v => v.Id == videoId, Ct);
        Assert.Equal(originalFileName, row.OriginalFileName);
        Assert.Matches(ServerKey(), row.StorageKey);
        var stored = Path.GetFullPath(Path.Combine(api.MediaRoot, row.StorageKey));
        Assert.StartsWith(Path.GetFullPath(api.MediaRoot) + Path.DirectorySeparatorChar, stored, StringComparison.Ordinal);
        Assert.True(File.Exists(stored));
    }

    private async Task AssertNothingLeftAsync(SignedInUser user, string[] entriesBefore)
    {
        Assert.Equal(entriesBefore, api.MediaEntries());
        await using var db = api.OpenDb();
        Assert.False(await db.Videos.AnyAsync(v => v.OwnerId == user.Id, Ct));
        var list = await (await user.Client.GetAsync("/api/videos/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(0, list["count"]!.GetValue<int>());
    }

    [GeneratedRegex(@"^videos/[0-9a-f]{32}/original\.[a-z0-9]+$")]
    private static partial Regex ServerKey();

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$")]
    private static partial Regex TraceParent();
}
