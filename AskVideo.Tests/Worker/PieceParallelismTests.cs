using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;
using AskVideo.Worker.Pipeline;

namespace AskVideo.Tests.Worker;

/// <summary>A worker that cuts five minutes into five one-minute pieces and may send two at a time.</summary>
public sealed class TwoPiecesAtATimeTestbed(TestServices services) : PipelineTestbed(services)
{
    public const int Bound = 2;

    protected override WorkerSettings Configure(WorkerSettings settings) => settings with
    {
        Extra = new Dictionary<string, string?>
        {
            ["Transcription:PieceDuration"] = "00:01:00",
            ["Transcription:PieceOverlap"] = "00:00:02",
            ["Transcription:MaxParallelPieces"] = Bound.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
    };
}

/// <summary>The pieces of a long recording go to the engine at the same time, as many as the setting allows.</summary>
public sealed class PieceParallelismTests(TwoPiecesAtATimeTestbed bed) : IClassFixture<TwoPiecesAtATimeTestbed>, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    public void Dispose() => bed.OpenAi.Transcriptions.Reset();

    [Fact]
    public async Task Pieces_are_sent_at_the_same_time_but_never_more_than_MaxParallelPieces()
    {
        var tone = await bed.Media.TimeCodedToneAsync(300, TestContext.Current.CancellationToken);
        bed.OpenAi.Transcriptions.HoldRequests();

        var queued = await bed.QueueAsync(tone);
        // Neither is answered while held: two requests waiting together means two pieces in flight.
        await bed.OpenAi.Transcriptions.WaitForRequestsAsync(TwoPiecesAtATimeTestbed.Bound, s_timeout);
        bed.OpenAi.Transcriptions.ReleaseHeld();
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, s_timeout);

        Assert.Equal(VideoStatus.Completed, video.Status);
        Assert.Equal(5, bed.OpenAi.Transcriptions.Requests.Count);
        Assert.Equal(TwoPiecesAtATimeTestbed.Bound, bed.OpenAi.Transcriptions.MostInFlight);
    }

    [Fact]
    public void By_default_an_hour_long_recording_is_sent_in_one_round_of_pieces()
    {
        var options = new PipelineOptions();
        var pieces = AudioExtractor.Plan(3600, (int)options.PieceDuration.TotalSeconds, (int)options.PieceOverlap.TotalSeconds);

        Assert.InRange(pieces.Count, 2, options.MaxParallelPieces);
    }
}
