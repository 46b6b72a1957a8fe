using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Benchmarks.Quality;

/// <summary>
/// Puts the corpus into the running system as if each video had been uploaded and transcribed, and
/// lets the product build its scenes: each video row is written completed, with its transcript
/// text, language, duration and segments, together with an index job (the outbox), in one
/// transaction, as a transcript edit does; the running Worker's relay publishes the jobs and the
/// Worker builds the scenes with its SceneIndexer (at its <c>Indexing:SceneMaxTokens</c>, embedded
/// when a model is configured) and stores them. Groups are made through the Api. Nothing here
/// knows about the questions.
/// </summary>
internal static class QualityLoader
{
    private static readonly TimeSpan s_indexTimeout = TimeSpan.FromMinutes(10);

    /// <returns>The database id of each video (by corpus key) and of each group (by name), and how many scenes the Worker stored.</returns>
    public static async Task<(IReadOnlyDictionary<string, int> Videos, IReadOnlyDictionary<string, int> Groups, int Scenes)> LoadAsync(
        IServiceProvider services, HttpClient api, QualityCorpus corpus, CancellationToken cancellationToken)
    {
        var ownerId = await OwnerIdAsync(services, cancellationToken);
        var videoIds = new Dictionary<string, int>();
        foreach (var video in corpus.Videos)
        {
            var id = await CreateVideoAsync(services, ownerId, video, cancellationToken);
            await StoreAsync(services, id, video, cancellationToken);
            videoIds[video.Key] = id;
        }
        await WaitForIndexJobsAsync(services, cancellationToken);

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
        await using var scope = services.CreateAsyncScope();
        var scenes = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Scenes.CountAsync(cancellationToken);
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

    /// <summary>
    /// The transcript as the Worker's transcript store writes it, with an index job for the Worker,
    /// queued as a transcript edit queues one, in one transaction.
    /// </summary>
    private static async Task StoreAsync(IServiceProvider services, int videoId, CorpusVideo video, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        await db.Videos.Where(v => v.Id == videoId).ExecuteUpdateAsync(set => set
            .SetProperty(v => v.Status, VideoStatus.Completed)
            .SetProperty(v => v.ProgressStage, VideoStages.Index)
            .SetProperty(v => v.ProgressPercent, VideoStages.IndexQueuedPercent)
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
        // Published by the Worker's outbox relay, as any committed job whose publish did not happen.
        db.Jobs.Add(new Job { VideoId = videoId, Kind = JobKind.Index, NotBefore = now, CreatedAt = now, UpdatedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Waits until the Worker has run every index job; a failed one stops the benchmark.</summary>
    private static async Task WaitForIndexJobsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + s_indexTimeout;
        while (true)
        {
            await using var scope = services.CreateAsyncScope();
            var jobs = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Jobs.AsNoTracking()
                .Where(j => j.Kind == JobKind.Index).Select(j => new { j.VideoId, j.Status, j.LastError }).ToListAsync(cancellationToken);
            if (jobs.FirstOrDefault(j => j.Status == JobStatus.Failed) is { } failed)
            {
                throw new InvalidOperationException($"The Worker could not index video {failed.VideoId}: {failed.LastError}");
            }
            if (jobs.All(j => j.Status == JobStatus.Succeeded))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The Worker indexed {jobs.Count(j => j.Status == JobStatus.Succeeded)} of {jobs.Count} videos in {s_indexTimeout}.");
            }
            await Task.Delay(250, cancellationToken);
        }
    }
}
