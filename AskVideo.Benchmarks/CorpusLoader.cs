using System.Diagnostics;
using AskVideo.Core.Data;
using AskVideo.Core.Groups;
using AskVideo.Core.Videos;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Pgvector.EntityFrameworkCore;

namespace AskVideo.Benchmarks;

/// <summary>A loaded corpus: its group, and the database id of each generated video.</summary>
internal sealed record LoadedCorpus(int GroupId, IReadOnlyDictionary<int, int> VideoIds, TimeSpan SceneCopy);

/// <summary>
/// Puts a <see cref="TranscriptCorpus"/> in the database the way the Worker leaves a transcribed
/// video: completed videos in one group of the owner, scenes with their language ("en", so the
/// English full-text configuration), text and embedding. Videos and the group go through EF Core;
/// scenes through binary COPY, with the indexes (GIN and HNSW) already in place.
/// </summary>
internal static class CorpusLoader
{
    public static async Task<LoadedCorpus> LoadAsync(NpgsqlDataSource dataSource, TranscriptCorpus corpus)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(dataSource, npgsql => npgsql.UseVector()).Options;
        await using var db = new AppDbContext(options);
        var ownerId = await db.Users.Select(u => u.Id).SingleAsync();
        var now = DateTimeOffset.UtcNow;
        var videos = corpus.Videos.Select(v => new Video
        {
            OwnerId = ownerId,
            Title = v.Title,
            Status = VideoStatus.Completed,
            ProgressPercent = 100,
            OriginalFileName = $"lecture-{v.Number + 1}.mp4",
            StorageKey = $"videos/{Guid.NewGuid()}/original.mp4",
            ContentType = "video/mp4",
            SizeBytes = 1,
            DurationSeconds = v.Duration,
            HasVideoTrack = true,
            Language = "en",
            TranscriptText = "",
            CreatedAt = now,
            UpdatedAt = now,
        }).ToList();
        db.Videos.AddRange(videos);
        var group = new VideoGroup { OwnerId = ownerId, Name = "Lectures", CreatedAt = now, UpdatedAt = now };
        db.VideoGroups.Add(group);
        await db.SaveChangesAsync();
        group.Members.AddRange(videos.Select((v, i) => new VideoGroupMember { VideoId = v.Id, Position = i, AddedAt = now }));
        await db.SaveChangesAsync();

        var copy = Stopwatch.StartNew();
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY scenes ("VideoId", "Index", "Start", "End", "Text", "Language", "Embedding", "EmbeddingModel") FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var video in corpus.Videos)
            {
                foreach (var scene in video.Scenes)
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync(videos[video.Number].Id, NpgsqlDbType.Integer);
                    await writer.WriteAsync(scene.Index, NpgsqlDbType.Integer);
                    await writer.WriteAsync(scene.Start, NpgsqlDbType.Double);
                    await writer.WriteAsync(scene.End, NpgsqlDbType.Double);
                    await writer.WriteAsync(scene.Text, NpgsqlDbType.Text);
                    await writer.WriteAsync("en", NpgsqlDbType.Varchar);
                    await writer.WriteAsync(new Vector(HashedEmbedding.Vector(scene.Text)), "vector");
                    await writer.WriteAsync(FakeModelServer.EmbeddingModel, NpgsqlDbType.Varchar);
                }
            }
            await writer.CompleteAsync();
        }
        return new LoadedCorpus(group.Id, corpus.Videos.ToDictionary(v => v.Number, v => videos[v.Number].Id), copy.Elapsed);
    }
}
