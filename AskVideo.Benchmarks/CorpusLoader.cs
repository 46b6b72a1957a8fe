using System.Diagnostics;
using System.Text.Json;
using AskVideo.Core.AI;
using AskVideo.Core.Data;
using AskVideo.Core.Groups;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using AskVideo.Worker.Indexing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Pgvector.EntityFrameworkCore;

namespace AskVideo.Benchmarks;

/// <summary>A loaded corpus: its group, and the database id of each generated video.</summary>
internal sealed record LoadedCorpus(int GroupId, IReadOnlyDictionary<int, int> VideoIds, TimeSpan SceneCopy, int Scenes, int WordsPerScene);

/// <summary>
/// Puts a <see cref="TranscriptCorpus"/> in the database the way the Worker leaves a transcribed
/// video: completed videos in one group of the owner; each video's timed sentences cut into scenes
/// by the Worker's own <see cref="SceneIndexer"/> (the product's scene size, split on TF-IDF),
/// each with its language ("en", so the English full-text configuration), text, timed segments and
/// embedding (the loopback model's hashing function, computed here), and each scene's segments
/// embedded the same way. Videos and the group go through EF Core; scenes and segment embeddings
/// through binary COPY, with the indexes (GIN and HNSW) and the <c>video_terms</c> triggers
/// already in place.
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

        var indexer = new SceneIndexer(
            new SceneEmbedder(new ServiceCollection().BuildServiceProvider(), Options.Create(new EmbeddingOptions())),
            Options.Create(new IndexingOptions()));
        var (scenes, words) = (0, 0);
        var segmentTexts = new Dictionary<(int VideoId, int Index), string[]>();
        var copy = Stopwatch.StartNew();
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY scenes ("VideoId", "Index", "Start", "End", "Text", "Segments", "Language", "Embedding", "EmbeddingModel")
            FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var video in corpus.Videos)
            {
                var videoId = videos[video.Number].Id;
                foreach (var scene in indexer.Build(videoId, [.. video.Segments.Select(s => new TimedText(s.Start, s.End, s.Text))], "en"))
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync(videoId, NpgsqlDbType.Integer);
                    await writer.WriteAsync(scene.Index, NpgsqlDbType.Integer);
                    await writer.WriteAsync(scene.Start, NpgsqlDbType.Double);
                    await writer.WriteAsync(scene.End, NpgsqlDbType.Double);
                    await writer.WriteAsync(scene.Text, NpgsqlDbType.Text);
                    await writer.WriteAsync(scene.Segments, NpgsqlDbType.Jsonb);
                    await writer.WriteAsync("en", NpgsqlDbType.Varchar);
                    await writer.WriteAsync(new Vector(HashedEmbedding.Vector(scene.Text)), "vector");
                    segmentTexts[(videoId, scene.Index)] = [.. JsonSerializer.Deserialize<List<SceneSegment>>(scene.Segments!)!.Select(g => g.Text)];
                    scenes++;
                    words += scene.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                    await writer.WriteAsync(FakeModelServer.EmbeddingModel, NpgsqlDbType.Varchar);
                }
            }
            await writer.CompleteAsync();
        }
        // Each scene's segments embedded, as the Worker keeps them to choose moments by meaning.
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            var ids = new List<(long Id, int VideoId, int Index)>();
            await using (var query = new NpgsqlCommand("""SELECT "Id", "VideoId", "Index" FROM scenes""", connection))
            await using (var reader = await query.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    ids.Add((reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2)));
                }
            }
            await using var writer = await connection.BeginBinaryImportAsync("""
                COPY scene_segment_embeddings ("SceneId", "Ordinal", "Embedding") FROM STDIN (FORMAT BINARY)
                """);
            foreach (var (id, videoId, index) in ids)
            {
                var texts = segmentTexts[(videoId, index)];
                for (var ordinal = 0; ordinal < texts.Length; ordinal++)
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync(id, NpgsqlDbType.Bigint);
                    await writer.WriteAsync(ordinal, NpgsqlDbType.Integer);
                    await writer.WriteAsync(new HalfVector(HashedEmbedding.Vector(texts[ordinal]).Select(f => (Half)f).ToArray()), "halfvec");
                }
            }
            await writer.CompleteAsync();
        }
        return new LoadedCorpus(
            group.Id, corpus.Videos.ToDictionary(v => v.Number, v => videos[v.Number].Id), copy.Elapsed, scenes, words / Math.Max(scenes, 1));
    }
}
