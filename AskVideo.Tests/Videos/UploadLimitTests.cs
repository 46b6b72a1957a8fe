using System.Net;
using System.Net.Http.Headers;
using AskVideo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Videos;

public sealed class SmallUploadsApiFactory(TestServices services) : ApiFactory(services)
{
    public const long MaxFileBytes = 100_000;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Uploads:MaxFileBytes"] = MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

public sealed class OneVideoApiFactory(TestServices services) : ApiFactory(services)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Quotas:MaxVideos"] = "1",
    };
}

public sealed class TightQuotasApiFactory(TestServices services) : ApiFactory(services)
{
    public const long MaxStorageBytes = 10_000_000;
    public const int MaxMinutes = 10;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Quotas:MaxStorageBytes"] = MaxStorageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Quotas:MaxProcessingMinutesPerMonth"] = MaxMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

public sealed class UploadSizeLimitTests(SmallUploadsApiFactory api) : IClassFixture<SmallUploadsApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(300_000, true)]     // Within the multipart allowance: refused while streaming.
    [InlineData(300_000, false)]    // Chunked, no length announced: refused while streaming.
    [InlineData(5_000_000, true)]   // Announced as far too large: refused before reading.
    public async Task A_file_over_the_limit_is_refused_with_413_and_leaves_nothing(int size, bool announceLength)
    {
        using var user = await api.SignInNewUserAsync();
        var before = api.MediaEntries();
        using var form = new MultipartFormDataContent();
        HttpContent file = announceLength
            ? new ByteArrayContent(new byte[size])
            : new StreamContent(new UnknownLengthStream(new MemoryStream(new byte[size])));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "big.mp4");
        if (!announceLength)
        {
            form.Headers.ContentLength = null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/videos/") { Content = form };
        // A well-behaved client announcing a large body waits for the server's go-ahead, so it reads
        // the early 413 instead of writing into a connection the server has already closed.
        request.Headers.ExpectContinue = announceLength;
        var response = await user.Client.SendAsync(request, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains(SmallUploadsApiFactory.MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, api.MediaEntries());
        await using var db = api.OpenDb();
        Assert.False(await db.Videos.AnyAsync(v => v.OwnerId == user.Id, Ct));
    }

    [Fact]
    public async Task A_file_under_the_limit_is_accepted()
    {
        using var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        Assert.True(new FileInfo(path).Length < SmallUploadsApiFactory.MaxFileBytes);

        (await user.Client.UploadAsync(path)).AssertStatus(HttpStatusCode.Created);
    }

    /// <summary>Hides the length, so that HttpClient sends the body chunked.</summary>
    private sealed class UnknownLengthStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

public sealed class VideoCountQuotaTests(OneVideoApiFactory api) : IClassFixture<OneVideoApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_upload_past_the_video_limit_is_refused_with_403_naming_the_limit()
    {
        using var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        await user.Client.UploadOkAsync(path);
        var before = api.MediaEntries();

        var problem = await (await user.Client.UploadAsync(path)).AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal("videos", problem["limit"]!.GetValue<string>());
        Assert.Contains("at most 1 videos", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, api.MediaEntries());
        await using var db = api.OpenDb();
        Assert.Equal(1, await db.Videos.CountAsync(v => v.OwnerId == user.Id, Ct));
        Assert.Equal(1, await db.Jobs.CountAsync(j => db.Videos.Any(v => v.Id == j.VideoId && v.OwnerId == user.Id), Ct));
    }

    [Fact]
    public async Task The_limit_is_per_user()
    {
        using var first = await api.SignInNewUserAsync();
        using var second = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);

        await first.Client.UploadOkAsync(path);
        await second.Client.UploadOkAsync(path);
    }

    [Fact]
    public async Task Deleting_a_video_makes_room_for_another()
    {
        using var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        var video = await user.Client.UploadOkAsync(path);

        (await user.Client.DeleteAsync($"/api/videos/{video["id"]}/", Ct)).AssertStatus(HttpStatusCode.NoContent);

        await user.Client.UploadOkAsync(path);
    }
}

public sealed class StorageAndMinutesQuotaTests(TightQuotasApiFactory api) : IClassFixture<TightQuotasApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_upload_that_would_pass_the_storage_limit_is_refused_with_403_after_it_was_measured()
    {
        using var user = await api.SignInNewUserAsync();
        await api.InsertVideoAsync(user.Id, v => v.SizeBytes = TightQuotasApiFactory.MaxStorageBytes - 1000);
        var before = api.MediaEntries();

        var problem = await (await user.Client.UploadAsync(await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct)))
            .AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal("storage", problem["limit"]!.GetValue<string>());
        Assert.Equal(before, api.MediaEntries());
        await using var db = api.OpenDb();
        Assert.Equal(1, await db.Videos.CountAsync(v => v.OwnerId == user.Id, Ct));
    }

    [Fact]
    public async Task An_upload_that_would_pass_the_monthly_processing_minutes_is_refused_with_403()
    {
        using var user = await api.SignInNewUserAsync();
        await api.InsertVideoAsync(user.Id, v => v.DurationSeconds = TightQuotasApiFactory.MaxMinutes * 60 - 1);
        var before = api.MediaEntries();

        var problem = await (await user.Client.UploadAsync(await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct)))
            .AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal("processing_minutes", problem["limit"]!.GetValue<string>());
        Assert.Contains("minutes", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, api.MediaEntries());
    }

    [Fact]
    public async Task Minutes_of_earlier_months_do_not_count()
    {
        using var user = await api.SignInNewUserAsync();
        var lastMonth = new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero).AddDays(-1);
        await api.InsertVideoAsync(user.Id, v => (v.DurationSeconds, v.CreatedAt) = (TightQuotasApiFactory.MaxMinutes * 60 * 5, lastMonth));

        await user.Client.UploadOkAsync(await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct));
    }
}
