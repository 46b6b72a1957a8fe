using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AskVideo.Core.AI;
using AskVideo.Core.Data;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using AskVideo.Worker.Indexing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskVideo.Benchmarks.Quality;

/// <summary>
/// Puts the corpus into the running system as if each video had been uploaded and transcribed:
/// the video row completed with its transcript text, language and duration, its segments, and its
/// scenes built by the product's <see cref="SceneIndexer"/> (embedded when a model is configured),
/// all written in one transaction as the Worker's transcript store writes them. Groups are made
/// through the Api. Nothing here knows about the questions.
/// </summary>
internal static class QualityLoader
{
    /// <returns>The database id of each video (by corpus key) and of each group (by name).</returns>
    public static async Task<(IReadOnlyDictionary<string, int> Videos, IReadOnlyDictionary<string, int> Groups, int Scenes)> LoadAsync(
        IServiceProvider services, HttpClient api, QualityCorpus corpus, int? sceneTokens, CancellationToken cancellationToken)
    {
        var ownerId = await OwnerIdAsync(services, cancellationToken);
        var videoIds = new Dictionary<string, int>();
        var scenes = 0;
        foreach (var video in corpus.Videos)
        {
            var id = await CreateVideoAsync(services, ownerId, video, cancellationToken);
            var segments = video.Segments.Select(s => new TimedText(s.Start, s.End, s.Text)).ToList();
            var built = await IndexAsync(services, id, segments, video.Language, sceneTokens, cancellationToken);
            await StoreAsync(services, id, video, built, cancellationToken);
            videoIds[video.Key] = id;
            scenes += built.Count;
        }

        var groupIds = new Dictionary<string, int>();
        foreach (var group in corpus.Groups)
        {
            var created = await api.PostAsJsonAsync("/api/videos/groups/", new { name = group.Name }, cancellationToken);
            var groupId = JsonNode.Parse(await created.EnsureSuccessStatusCode().Content.ReadAsStringAsync(cancellationToken))!["id"]!.GetValue<int>();
            var added = await api.PostAsJsonAsync($"/api/videos/groups/{groupId}/videos/",
                new { video_ids = group.Videos.Select(v => videoIds[v.Key]).ToArray() }, cancellationToken);
            added.EnsureSuccessStatusCode();
            groupIds[group.Name] = groupId;
        }
        return (videoIds, groupIds, scenes);
    }

    private static async Task<int> OwnerIdAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Select(u => u.Id).SingleAsync(cancellationToken);
    }

    /// <summary>The video as an upload leaves it before the Worker picks it up.</summary>
    private static async Task<int> CreateVideoAsync(IServiceProvider services, int ownerId, CorpusVideo video, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTimeOffset.UtcNow;
        var row = new Video
        {
            OwnerId = ownerId,
            Title = video.Title,
            Status = VideoStatus.Processing,
            OriginalFileName = $"{video.Key}.mp4",
            StorageKey = $"videos/{Guid.NewGuid()}/original.mp4",
            ContentType = "video/mp4",
            SizeBytes = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Videos.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return row.Id;
    }

    /// <summary>The product's index stage: the Worker's <see cref="SceneIndexer"/>, with the scene size asked for or the product's.</summary>
    private static async Task<IReadOnlyList<Scene>> IndexAsync(
        IServiceProvider services, int videoId, IReadOnlyList<TimedText> segments, string language, int? sceneTokens,
        CancellationToken cancellationToken)
    {
        var options = new IndexingOptions();
        options.SceneMaxTokens = sceneTokens ?? options.SceneMaxTokens;
        var indexer = new SceneIndexer(services.GetRequiredService<SceneEmbedder>(), Options.Create(options));
        return await indexer.IndexAsync(videoId, segments, language, cancellationToken);
    }

    /// <summary>What the Worker's transcript store writes, in one transaction.</summary>
    private static async Task StoreAsync(IServiceProvider services, int videoId, CorpusVideo video, IReadOnlyList<Scene> scenes,
        CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        await db.Videos.Where(v => v.Id == videoId).ExecuteUpdateAsync(set => set
            .SetProperty(v => v.Status, VideoStatus.Completed)
            .SetProperty(v => v.ProgressStage, "completed")
            .SetProperty(v => v.ProgressPercent, 100)
            .SetProperty(v => v.TranscriptText, string.Join(' ', video.Segments.Select(s => s.Text)))
            .SetProperty(v => v.Language, video.Language)
            .SetProperty(v => v.DurationSeconds, video.Duration)
            .SetProperty(v => v.HasVideoTrack, true)
            .SetProperty(v => v.UpdatedAt, now), cancellationToken);
        db.TranscriptSegments.AddRange(video.Segments.Select((s, i) => new TranscriptSegment
        {
            VideoId = videoId,
            Index = i,
            Start = Math.Round(s.Start, 3),
            End = Math.Round(Math.Max(s.Start, s.End), 3),
            Text = s.Text,
        }));
        db.Scenes.AddRange(scenes);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
