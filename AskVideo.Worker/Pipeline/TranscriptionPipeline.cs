using System.Diagnostics;
using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using AskVideo.Core.Media;
using AskVideo.Core.Search;
using AskVideo.Core.Storage;
using AskVideo.Core.Videos;
using AskVideo.ServiceDefaults;
using AskVideo.Worker.Indexing;
using AskVideo.Worker.Infrastructure;
using AskVideo.Worker.Transcription;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Worker.Pipeline;

/// <summary>
/// probe → extract audio → transcribe (pieces) → index (scenes, embeddings) → store, with the
/// video's progress at each stage. Every stage can run again: temporary files live in a folder of
/// their own per job and are deleted afterwards, and the store replaces whatever an earlier run
/// wrote. Indexing calls the embedding service before the store's transaction opens.
/// </summary>
public sealed class TranscriptionPipeline(
    IServiceScopeFactory scopes,
    IMediaStorage storage,
    PieceTranscriber transcriber,
    SceneIndexer indexer,
    TranscriptStore store,
    VideoProgress progress)
{
    public async Task RunAsync(Job job, CancellationToken cancellationToken)
    {
        var source = await SourcePathAsync(job, cancellationToken);

        MediaInfo media;
        using (Stage(VideoStages.Probe))
        {
            await progress.ReportAsync(job.VideoId, VideoStages.Probe, VideoStages.ProbePercent, cancellationToken);
            media = await ProbeAsync(source, cancellationToken);
        }

        // Beside the original, under the media root, one per attempt: e.g. videos/{guid}/work/job-7-2/.
        // A run given up at the hard time limit may wake later and delete its own folder; this
        // attempt's is another. What earlier attempts left (a worker that died) goes now.
        var jobs = Path.Combine(Path.GetDirectoryName(source)!, "work");
        var work = Path.Combine(jobs, $"job-{job.Id}-{job.Attempts}");
        foreach (var earlier in Directory.Exists(jobs) ? Directory.EnumerateDirectories(jobs, $"job-{job.Id}-*") : [])
        {
            DeleteFolder(earlier);
        }
        Directory.CreateDirectory(work);
        try
        {
            string audio;
            double duration;
            using (Stage(VideoStages.Extract))
            {
                await progress.ReportAsync(job.VideoId, VideoStages.Extract, VideoStages.ExtractPercent, cancellationToken);
                audio = Path.Combine(work, "audio" + AudioExtractor.Extension(transcriber.Format));
                try
                {
                    await AudioExtractor.ExtractAsync(source, audio, transcriber.Format, cancellationToken);
                }
                catch (ExternalProcessException ex)
                {
                    throw JobFailure.Fatal("The audio track could not be decoded. The file may be damaged.", ex);
                }
                // The audio's own length (a container may claim more, or nothing at all).
                duration = (await MediaProbe.TryProbeAsync(audio, cancellationToken))?.DurationSeconds is > 0 and var measured
                    ? measured
                    : media.DurationSeconds;
            }

            Transcript transcript;
            using (Stage(VideoStages.Transcribe))
            {
                await progress.ReportAsync(job.VideoId, VideoStages.Transcribe, VideoStages.TranscribeStartPercent, cancellationToken);
                transcript = await transcriber.TranscribeAsync(audio, duration, work,
                    (done, total) => progress.ReportAsync(job.VideoId, VideoStages.Transcribe, VideoStages.TranscribePercent(done, total), cancellationToken),
                    cancellationToken);
            }

            IReadOnlyList<Scene> scenes;
            using (Stage(VideoStages.Index))
            {
                await progress.ReportAsync(job.VideoId, VideoStages.Index, VideoStages.IndexPercent, cancellationToken);
                scenes = await IndexAsync(job, transcript, cancellationToken);
            }

            using (Stage(VideoStages.Store))
            {
                await progress.ReportAsync(job.VideoId, VideoStages.Store, VideoStages.StorePercent, cancellationToken);
                await store.SaveAsync(job, duration, media.HasVideo, transcript, scenes, cancellationToken);
            }
        }
        finally
        {
            DeleteFolder(work);
        }
    }

    /// <summary>The scenes to store; an embedding service failure becomes a job failure its owner can read.</summary>
    private async Task<IReadOnlyList<Scene>> IndexAsync(Job job, Transcript transcript, CancellationToken cancellationToken)
    {
        var segments = transcript.Segments.Select(s => new TimedText(s.Start, s.End, s.Text)).ToList();
        try
        {
            return await indexer.IndexAsync(job.VideoId, segments, LanguageCodes.Normalize(transcript.Language), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var failure = EmbeddingFailures.Classify(ex);
            Activity.Current?.SetStatus(ActivityStatusCode.Error, failure.UserMessage);
            throw failure;
        }
    }

    private async Task<string> SourcePathAsync(Job job, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var key = await db.Videos.Where(v => v.Id == job.VideoId).Select(v => v.StorageKey).FirstOrDefaultAsync(cancellationToken)
            ?? throw new LeaseLostException(job.Id);
        if (!storage.Exists(key))
        {
            throw JobFailure.Fatal("The uploaded file is missing from storage. Upload it again.");
        }
        return storage.GetLocalPath(key);
    }

    private static async Task<MediaInfo> ProbeAsync(string source, CancellationToken cancellationToken)
    {
        var media = await MediaProbe.TryProbeAsync(source, cancellationToken)
            ?? throw JobFailure.Fatal("The file could not be read as audio or video. It may be damaged or in an unsupported format.");
        if (!media.HasAudio)
        {
            throw JobFailure.Fatal("The file has no audio track, so there is nothing to transcribe.");
        }
        return media;
    }

    private static Activity? Stage(string name) => Telemetry.Source.StartActivity(name);

    private static void DeleteFolder(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover folder is removed with the video, or by the job's next run.
        }
    }
}
