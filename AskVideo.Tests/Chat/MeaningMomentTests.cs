using System.Net;
using AskVideo.Core.Search;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.Chat;

/// <summary>
/// The Api in extractive mode (no chat model) and a Worker, both with an embedding model on the
/// fake server, so moments are chosen by the question's words and by meaning.
/// </summary>
public sealed class MeaningApiFactory(TestServices services) : FakeAiApiFactory(services, "fake-embed-meaning", chatModel: null);

/// <summary>With embeddings, the moment cited is the one that means what the question asks, even in other words.</summary>
public sealed class MeaningMomentTests(MeaningApiFactory api) : IClassFixture<MeaningApiFactory>
{
    [Fact]
    public async Task A_question_in_words_the_lecture_never_uses_cites_the_sentence_that_means_it()
    {
        // What a model knows and words cannot tell: acetylene gas is a fuel, a tower is a beacon, a
        // tower without a keeper is unattended. WordNet relates none of these pairs.
        api.OpenAi.Embeddings.ReadAs("fuel", "gas");
        api.OpenAi.Embeddings.ReadAs("beacons", "towers");
        api.OpenAi.Embeddings.ReadAs("unattended", "keeper");
        api.OpenAi.Embeddings.ReadAs("isolated", "remote");
        var (user, group, video) = await MomentTests.LectureGroupAsync(api, api.OpenAi, "en", Lecture.Lighthouses);

        var answer = await (await user.Client.AskAsync(group, "Which fuel kept isolated beacons shining unattended?"))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal("extractive", answer["mode"]!.GetValue<string>());
        var first = answer["citations"]![0]!;
        var (start, end) = (first["start"]!.GetValue<double>(), first["end"]!.GetValue<double>());
        Assert.Equal(video, first["video_id"]!.GetValue<int>());
        Assert.True(end - start <= new MomentOptions().MaxSeconds, $"cited {start}-{end}: {end - start} s");
        Assert.True(Lecture.Holds(start, end, Lecture.AcetyleneSentence),
            $"cited {start}-{end} ({first["quote"]}), the answer is said at 190-200");
        Assert.Contains("Acetylene gas", first["quote"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
