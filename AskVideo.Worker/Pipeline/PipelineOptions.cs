using Microsoft.Extensions.Options;

namespace AskVideo.Worker.Pipeline;

/// <summary>How long audio is cut and transcribed (<c>Transcription:</c> section).</summary>
public sealed class PipelineOptions
{
    public const string Section = "Transcription";

    /// <summary>Length of each piece sent to the engine. Ten minutes of 16 kHz mono FLAC stay far
    /// below the 25 MB upload limit of OpenAI-compatible services.</summary>
    public TimeSpan PieceDuration { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>Each piece runs this much into the next, so no word is cut in half at a seam.</summary>
    public TimeSpan PieceOverlap { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Pieces transcribed at the same time, per job. Eight ten-minute pieces cover a recording of
    /// 80 minutes in one round, so an hour takes about one piece's latency instead of two.
    /// </summary>
    public int MaxParallelPieces { get; set; } = 8;

    /// <summary>Tries per piece before the job attempt fails; a failed piece is retried alone.</summary>
    public int PieceAttempts { get; set; } = 3;

    /// <summary>Wait before a piece's first retry; doubled for each further one.</summary>
    public TimeSpan PieceRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one request to a transcription service may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whole seconds, so that pieces start on sample boundaries the engine can trust.</summary>
    internal int PieceSeconds => (int)Math.Round(PieceDuration.TotalSeconds);

    internal int OverlapSeconds => (int)Math.Round(PieceOverlap.TotalSeconds);
}

internal sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        List<string> errors = [];
        if (options.PieceSeconds < 10)
        {
            errors.Add("Transcription:PieceDuration must be at least 10 seconds.");
        }
        if (options.OverlapSeconds < 0 || options.OverlapSeconds * 2 > options.PieceSeconds)
        {
            errors.Add("Transcription:PieceOverlap must be between 0 and half of PieceDuration.");
        }
        if (options.MaxParallelPieces is < 1 or > 32)
        {
            errors.Add("Transcription:MaxParallelPieces must be between 1 and 32.");
        }
        if (options.PieceAttempts is < 1 or > 10)
        {
            errors.Add("Transcription:PieceAttempts must be between 1 and 10.");
        }
        if (options.PieceRetryDelay < TimeSpan.Zero)
        {
            errors.Add("Transcription:PieceRetryDelay must not be negative.");
        }
        if (options.RequestTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add("Transcription:RequestTimeout must be at least one second.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
