using System.Net;
using AskVideo.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Videos;

public sealed class TwoVideosApiFactory(TestServices services) : ApiFactory(services)
{
    public const int MaxVideos = 2;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Quotas:MaxVideos"] = MaxVideos.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// Uploads that all pass the early quota check together (nothing is stored yet) must still end
/// with the user at the limit, not past it: the check inside the insert is taken under the user's lock.
/// </summary>
public sealed class QuotaRaceTests(TwoVideosApiFactory api) : IClassFixture<TwoVideosApiFactory>
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Concurrent_uploads_past_the_video_limit_store_exactly_the_limit_and_refuse_the_rest_with_403()
    {
        const int uploads = 6;
        using var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        // One client per upload, so that each has its own connection and they run side by side.
        var clients = Enumerable.Range(0, uploads).Select(_ =>
        {
            var client = api.CreateClient();
            client.DefaultRequestHeaders.Authorization = user.Client.DefaultRequestHeaders.Authorization;
            return client;
        }).ToList();
        using var start = new SemaphoreSlim(0);
        var sent = clients.Select(async client =>
        {
            await start.WaitAsync(Ct);
            return await client.UploadAsync(path);
        }).ToList();
        start.Release(uploads);
        var responses = await Task.WhenAll(sent);

        Assert.Equal(TwoVideosApiFactory.MaxVideos, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
            Assert.Equal("videos", problem["limit"]!.GetValue<string>());
        }
        await using var db = api.OpenDb();
        Assert.Equal(TwoVideosApiFactory.MaxVideos, await db.Videos.CountAsync(v => v.OwnerId == user.Id, Ct));
        Assert.Equal(TwoVideosApiFactory.MaxVideos, await db.Jobs.CountAsync(j => db.Videos.Any(v => v.Id == j.VideoId && v.OwnerId == user.Id), Ct));
        // Refused uploads leave no file behind.
        var files = Directory.EnumerateFiles(Path.Combine(api.MediaRoot, "videos"), "original.*", SearchOption.AllDirectories).ToList();
        Assert.Equal(TwoVideosApiFactory.MaxVideos, files.Count);
        clients.ForEach(c => c.Dispose());
    }
}
