using AskVideo.Tests.Fakes;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.Web;

/// <summary>
/// The fake transcription service's answer for the browser tests: the default sentence in three
/// timed lines, so that a page has lines to click and a player has moments to seek to.
/// </summary>
public static class SpokenClips
{
    public static readonly FakeSegment[] Lines =
    [
        new(0.0, 1.5, "The quick brown fox"),
        new(1.5, 3.0, "jumps over the lazy dog"),
        new(3.0, 4.5, "near the river bank."),
    ];

    public static Task<FakeTranscription> TranscribeAsync(TranscriptionRequest request, string audioPath, CancellationToken cancellationToken) =>
        Task.FromResult(new FakeTranscription("english", Lines[^1].End, Lines));

    public static Task<string> ClipAsync(this WebStack stack, string extension, CancellationToken cancellationToken) =>
        stack.Servers.Media.SpokenAsync(extension, TestMedia.DefaultSentence, cancellationToken);
}
