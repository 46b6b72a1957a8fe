using System.Diagnostics;
using System.Runtime.ExceptionServices;
using AskVideo.ServiceDefaults;
using AskVideo.Worker.Infrastructure;
using AskVideo.Worker.Transcription;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AskVideo.Worker.Pipeline;

/// <summary>The transcript of all pieces, stitched, and the language the engine heard.</summary>
public sealed record Transcript(IReadOnlyList<TimedSegment> Segments, string? Language);

/// <summary>
/// Cuts the audio into pieces and transcribes them concurrently (bounded), retrying a failed piece
/// alone. The first permanent failure cancels the other pieces.
/// </summary>
public sealed partial class PieceTranscriber(
    ISpeechToTextClient engine,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<PieceTranscriber> logger)
{
    private PipelineOptions Options => options.Value;

    public AudioFormat Format => engine.PieceFormat();

    /// <param name="audio">The extracted audio (mono 16 kHz, in <see cref="Format"/>).</param>
    /// <param name="durationSeconds">Its exact length.</param>
    /// <param name="workFolder">Where pieces are written.</param>
    /// <param name="onPieceDone">Called with (finished, total) after each piece.</param>
    public async Task<Transcript> TranscribeAsync(string audio, double durationSeconds, string workFolder,
        Func<int, int, Task> onPieceDone, CancellationToken cancellationToken)
    {
        var pieces = AudioExtractor.Plan(durationSeconds, Options.PieceSeconds, Options.OverlapSeconds);
        using var gate = new SemaphoreSlim(Options.MaxParallelPieces);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var finished = 0;

        async Task<(PieceTranscript Piece, string? Language)> RunAsync(AudioPiece piece)
        {
            await gate.WaitAsync(failed.Token);
            try
            {
                var result = await TranscribePieceAsync(audio, durationSeconds, piece, pieces.Count, workFolder, failed.Token);
                await onPieceDone(Interlocked.Increment(ref finished), pieces.Count);
                return result;
            }
            catch
            {
                await failed.CancelAsync();
                throw;
            }
            finally
            {
                gate.Release();
            }
        }

        var tasks = pieces.Select(RunAsync).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            // Report the failure that stopped the others, not a sibling's cancellation.
            var cause = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null)
            {
                ExceptionDispatchInfo.Throw(cause);
            }
            throw;
        }

        var results = tasks.Select(t => t.Result).ToList();
        var segments = TranscriptStitcher.Stitch(results.Select(r => r.Piece).ToList());
        var language = results.Select(r => r.Language).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l));
        return new Transcript(segments, language);
    }

    private async Task<(PieceTranscript, string?)> TranscribePieceAsync(string audio, double durationSeconds, AudioPiece piece,
        int pieceCount, string workFolder, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity("transcribe.piece");
        activity?.SetTag("piece.index", piece.Index);
        activity?.SetTag("piece.start_seconds", piece.StartSeconds);

        var end = piece.LengthSeconds is { } length ? Math.Min(durationSeconds, piece.StartSeconds + length) : durationSeconds;
        var path = audio;
        if (pieceCount > 1)
        {
            path = Path.Combine(workFolder, $"piece-{piece.Index:D3}{AudioExtractor.Extension(Format)}");
            await AudioExtractor.CutAsync(audio, piece, path, Format, cancellationToken);
        }
        activity?.SetTag("piece.bytes", new FileInfo(path).Length);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                SpeechToTextResponse response;
                await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous))
                {
                    response = await engine.GetTextAsync(stream, OpenAiTranscription.RequestOptions(), cancellationToken);
                }
                var (segments, language) = SpeechSegmentReader.Read(response, end - piece.StartSeconds);
                if (path != audio)
                {
                    File.Delete(path);
                }
                return (new PieceTranscript(piece.StartSeconds, end, segments), language);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not JobFailure)
            {
                var failure = OpenAiTranscription.Classify(ex) ?? JobFailure.Transient("The transcription engine failed. Try again later.", ex);
                if (failure.Permanent || attempt >= Options.PieceAttempts)
                {
                    activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
                    throw failure;
                }
                var delay = Options.PieceRetryDelay * Math.Pow(2, attempt - 1);
                LogPieceRetry(ex, piece.Index, attempt, Options.PieceAttempts, delay.TotalSeconds);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Piece {Piece} failed (try {Attempt} of {Attempts}); retrying in {DelaySeconds} s")]
    private partial void LogPieceRetry(Exception exception, int piece, int attempt, int attempts, double delaySeconds);
}
