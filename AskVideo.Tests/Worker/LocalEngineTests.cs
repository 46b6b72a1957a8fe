using AskVideo.Core.Videos;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.Worker;

/// <summary>A worker with no transcription service configured, so it runs pocketsphinx.</summary>
public sealed class LocalEngineTestbed(TestServices services) : PipelineTestbed(services)
{
    protected override WorkerSettings Configure(WorkerSettings settings) => settings with { Transcription = null };
}

public sealed class LocalEngineTests(LocalEngineTestbed bed) : IClassFixture<LocalEngineTestbed>
{
    private const string Sentence = "The quick brown fox jumps over the lazy dog near the river bank.";
    private static readonly string[] s_distinctiveWords = ["quick", "brown", "fox", "jumps", "lazy", "dog", "river"];

    [Fact]
    public async Task Without_a_transcription_service_the_local_engine_transcribes_speech_and_most_distinctive_words_appear()
    {
        var speech = await SpeechAsync(Sentence);

        var queued = await bed.QueueAsync(speech);
        var video = await bed.WaitUntilDoneAsync(queued.VideoId, TimeSpan.FromSeconds(90));

        Assert.Equal(VideoStatus.Completed, video.Status);
        Assert.Equal("en", video.Language);
        var segments = await bed.SegmentsAsync(queued.VideoId);
        Assert.NotEmpty(segments);
        Assert.All(segments, s => Assert.InRange(s.Start, 0, s.End));
        Assert.InRange(segments[^1].End, 1, video.DurationSeconds!.Value + 0.1);
        var heard = video.TranscriptText!.Split(' ').ToHashSet(StringComparer.OrdinalIgnoreCase);
        var found = s_distinctiveWords.Where(heard.Contains).ToList();
        Assert.True(found.Count * 2 >= s_distinctiveWords.Length,
            $"Only {found.Count} of {s_distinctiveWords.Length} distinctive words in '{video.TranscriptText}'.");
        Assert.Empty(bed.OpenAi.Transcriptions.Requests);
    }

    /// <summary>
    /// Speech by flite's CMU voice. pocketsphinx's acoustic model barely understands espeak-ng's
    /// voice, so a test that asks it for real words speaks to it with a voice it was made for.
    /// </summary>
    private async Task<string> SpeechAsync(string sentence)
    {
        var folder = Path.Combine(bed.Services.RunDirectory, "flite");
        Directory.CreateDirectory(folder);
        var raw = Path.Combine(folder, $"{Guid.NewGuid():N}.raw.wav");
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.wav");
        var ct = TestContext.Current.CancellationToken;
        await TestMedia.RunAsync("flite", $"-voice rms -t \"{sentence}\" -o \"{raw}\"", ct);
        await TestMedia.RunAsync("ffmpeg", $"-hide_banner -loglevel error -y -i \"{raw}\" -ac 1 -ar 16000 \"{path}\"", ct);
        return path;
    }
}
