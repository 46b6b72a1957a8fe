using AskVideo.Api.Chat;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AskVideo.Tests.EndToEnd;
using AskVideo.Tests.Fakes;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Sharing;
using AskVideo.Tests.Videos;

namespace AskVideo.Tests.Chat;

/// <summary>
/// Citations point at the moment: lectures of several minutes, transcribed and indexed by the real
/// worker, asked in extractive mode (no model).
/// </summary>
public sealed class MomentTests(PipelineApiFactory api) : IClassFixture<PipelineApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_question_answered_in_the_middle_of_a_long_passage_cites_the_few_seconds_that_answer_it()
    {
        var (user, group, video) = await LectureGroupAsync("en", Lecture.Lighthouses);

        var answer = await (await user.Client.AskAsync(group, "How far away could a small flame be seen through the Fresnel lens?"))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();

        var first = answer["citations"]![0]!;
        var (start, end) = Span(first);
        Assert.Equal(video, first["video_id"]!.GetValue<int>());
        Assert.True(end - start <= 30, $"cited {start}-{end}: {end - start} s");
        Assert.True(Lecture.Holds(start, end, Lecture.LensSentence), $"cited {start}-{end}, the answer is said at 130-140");
        // The passage around the moment is longer: the moment was chosen inside it.
        Assert.True(first["passage_end"]!.GetValue<double>() - first["passage_start"]!.GetValue<double>() > end - start);
        Assert.EndsWith($"#t={start.ToString("0.###", CultureInfo.InvariantCulture)}", first["media_url"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_quote_is_the_text_of_the_cited_moment_and_the_answer_is_short()
    {
        var (user, group, video) = await LectureGroupAsync("en", Lecture.Lighthouses);

        var answer = await (await user.Client.AskAsync(group, "Which engineer built a granite tower on the Eddystone rock?"))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();

        var first = answer["citations"]![0]!;
        var (start, end) = Span(first);
        var spoken = Lecture.Lighthouses
            .Select((text, i) => (text, start: i * Lecture.SentenceSeconds, end: (i + 1) * Lecture.SentenceSeconds - 0.01))
            .Where(s => s.start >= start && s.end <= end)
            .Select(s => s.text);
        Assert.Equal(string.Join(' ', spoken), first["quote"]!.GetValue<string>());
        Assert.Contains("Smeaton used interlocking granite", first["quote"]!.GetValue<string>(), StringComparison.Ordinal);
        var content = answer["content"]!.GetValue<string>();
        Assert.True(content.Length <= 600, $"the answer has {content.Length} characters");
        Assert.Contains("[1] (", content, StringComparison.Ordinal);
        Assert.Contains(ChatApi.Clock(start), content, StringComparison.Ordinal);
        Assert.Equal(video, first["video_id"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_question_in_other_words_than_the_speaker_finds_the_moment_through_their_synonyms()
    {
        // The lecture says "the last keepers retired"; the question says "final" and "custodians",
        // which no sentence holds. Without the thesaurus this question is not covered.
        var (user, group, video) = await LectureGroupAsync("en", Lecture.Lighthouses);

        var answer = await (await user.Client.AskAsync(group, "When did the final custodians retire?"))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();

        var first = answer["citations"]![0]!;
        var (start, end) = Span(first);
        Assert.Equal(video, first["video_id"]!.GetValue<int>());
        Assert.True(Lecture.Holds(start, end, Lecture.KeepersRetireSentence), $"cited {start}-{end}, the answer is said at 200-210");
        Assert.Contains("the last keepers retired", first["quote"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_sharing_only_a_common_word_with_the_videos_is_not_covered_and_cites_nothing()
    {
        var (user, group, _) = await LectureGroupAsync("en", Lecture.Lighthouses);

        var answer = await (await user.Client.AskAsync(group, "How much do tickets for the lighthouse tour cost for children?"))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal(ChatAnswers.NotCovered, answer["content"]!.GetValue<string>());
        Assert.Empty(answer["citations"]!.AsArray());
    }

    [Fact]
    public async Task A_Japanese_question_cites_the_moment_of_its_Japanese_answer()
    {
        var (user, group, video) = await LectureGroupAsync("ja", Lecture.Japanese);

        var answer = await (await user.Client.AskAsync(group, "新幹線が開業したのはいつですか？"))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();

        var first = answer["citations"]![0]!;
        var (start, end) = Span(first);
        Assert.Equal(video, first["video_id"]!.GetValue<int>());
        Assert.True(end - start <= 30, $"cited {start}-{end}");
        Assert.True(Lecture.Holds(start, end, Lecture.ShinkansenSentence), $"cited {start}-{end}, the answer is said at 50-60");
        Assert.Contains("東京オリンピック", first["quote"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Japanese_question_naming_a_file_in_latin_letters_cites_the_moment_that_says_it()
    {
        // Every sentence speaks of scripts; only sentence 5 says "cron.daily", which the parser reads
        // as one word, in the question as in the scene.
        string[] sentences =
        [
            "今日はパッケージに含まれるスクリプトについてお話しします。",
            "スクリプトはパッケージのインストール時に実行されます。",
            "スクリプトが失敗するとインストールも失敗します。",
            "スクリプトは何度実行されても同じ結果になるように書きます。",
            "スクリプトの中では対話的な入力を求めてはいけません。",
            "cron.daily に置いたスクリプトは一日に一度実行されます。",
            "スクリプトの書き方は方針文書に詳しく書かれています。",
            "スクリプトを書いたら必ず手元で試してください。",
            "ご清聴ありがとうございました。",
        ];
        var (user, group, video) = await LectureGroupAsync("ja", sentences);

        var answer = await (await user.Client.AskAsync(group, "cron.daily のスクリプトはどの頻度で動きますか？"))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();

        var first = answer["citations"]![0]!;
        var (start, end) = Span(first);
        Assert.Equal(video, first["video_id"]!.GetValue<int>());
        Assert.True(Lecture.Holds(start, end, 5), $"cited {start}-{end}, the answer is said at 50-60");
        Assert.Contains("cron.daily", first["quote"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guest_with_the_share_link_gets_the_same_moments_as_the_owner()
    {
        var (owner, group, _) = await LectureGroupAsync("en", Lecture.Lighthouses);
        var token = await owner.Client.ShareOkAsync(group);
        using var guest = api.CreateClient();
        const string question = "What did sailors read on their charts to know which coast they passed?";

        var asOwner = await (await owner.Client.AskAsync(group, question)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        var asGuest = await (await guest.AskAsGuestAsync(token, group, question)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal(Moments(asOwner), Moments(asGuest));
        var (start, end) = Span(asGuest["citations"]![0]!);
        Assert.True(Lecture.Holds(start, end, 16), $"cited {start}-{end}, the answer is said at 160-170");
    }

    [Fact]
    public async Task History_and_its_CSV_export_carry_the_times_of_the_cited_moment()
    {
        var (user, group, _) = await LectureGroupAsync("en", Lecture.Lighthouses);
        var answer = await (await user.Client.AskAsync(group, "Why did automation spread after the Second World War?"))
            .AssertStatus(HttpStatusCode.OK).JsonAsync();
        var (start, end) = Span(answer["citations"]![0]!);

        var history = await (await user.Client.GetAsync($"/api/chat/history/?group_id={group}", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        var csv = await (await user.Client.GetAsync($"/api/chat/history/export/?group_id={group}", Ct)).AssertStatus(HttpStatusCode.OK)
            .Content.ReadAsStringAsync(Ct);

        Assert.Equal((start, end), Span(history["results"]![0]!["citations"]![0]!));
        Assert.True(end - start <= 30);
        Assert.Contains($"[1] Lighthouses {ChatApi.Clock(start)}-{ChatApi.Clock(end)}", csv, StringComparison.Ordinal);
    }

    private Task<(SignedInUser User, int Group, int Video)> LectureGroupAsync(string language, string[] sentences) =>
        LectureGroupAsync(api, api.OpenAi, language, sentences);

    internal static async Task<(SignedInUser User, int Group, int Video)> LectureGroupAsync(
        ApiFactory api, FakeOpenAiServer openAi, string language, string[] sentences)
    {
        var user = await api.SignInNewUserAsync();
        var path = await api.Servers.Media.SpokenAsync(".mp3", cancellationToken: Ct);
        openAi.Transcriptions.AnswerWithLecture(language, sentences);
        var video = await user.Client.UploadAndWaitAsync(path, language == "ja" ? "鉄道" : "Lighthouses");
        var group = await user.Client.CreateGroupOkAsync("Lectures");
        await user.Client.AddVideosOkAsync(group, video.Id);
        return (user, group, video.Id);
    }

    private static (double Start, double End) Span(JsonNode citation) =>
        (citation["start"]!.GetValue<double>(), citation["end"]!.GetValue<double>());

    private static List<string> Moments(JsonNode answer) =>
        [.. answer["citations"]!.AsArray().Select(c => $"{c!["n"]} {c["video_id"]} {c["start"]} {c["end"]} {c["quote"]}")];
}

/// <summary>A chat model reads whole passages cut into numbered moments; its markers resolve to those moments.</summary>
public sealed class ModelMomentTests(ModelChatApiFactory api) : IClassFixture<ModelChatApiFactory>
{
    private const string Question = "How far away could a small flame be seen through the Fresnel lens?";

    [Fact]
    public async Task A_model_marker_resolves_to_a_moment_of_its_passage_in_plain_and_streamed_answers()
    {
        var (user, group, video) = await MomentTests.LectureGroupAsync(api, api.OpenAi, "en", Lecture.Lighthouses);

        var plain = await (await user.Client.AskAsync(group, Question)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        using var streamed = await user.Client.PostAsJsonAsync("/api/chat/",
            new { group_id = group, stream = true, messages = new[] { new { role = "user", content = Question } } },
            TestContext.Current.CancellationToken);
        var events = await streamed.AssertStatus(HttpStatusCode.OK).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        var cited = Assert.Single(plain["citations"]!.AsArray())!;
        var (start, end) = (cited["start"]!.GetValue<double>(), cited["end"]!.GetValue<double>());
        Assert.Equal(video, cited["video_id"]!.GetValue<int>());
        Assert.True(end - start <= 30, $"cited {start}-{end}");
        Assert.True(Lecture.Holds(start, end, Lecture.LensSentence), $"cited {start}-{end}, the answer is said at 130-140");
        Assert.Contains($"[{cited["n"]}]", plain["content"]!.GetValue<string>(), StringComparison.Ordinal);
        // The streamed answer cites the same moment (the events carry it as JSON).
        Assert.Contains($"\"start\":{start.ToString(System.Globalization.CultureInfo.InvariantCulture)},", events, StringComparison.Ordinal);
        Assert.Contains($"\"n\":{cited["n"]},", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_the_videos_do_not_cover_is_answered_as_such_without_asking_the_model()
    {
        var (user, group, _) = await MomentTests.LectureGroupAsync(api, api.OpenAi, "en", Lecture.Lighthouses);
        // No word of it is said in the lecture, so neither full-text nor the fake's vectors relate them.
        var question = $"Peruvian capital population figures? ({Guid.NewGuid():N})";

        var answer = await (await user.Client.AskAsync(group, question)).AssertStatus(HttpStatusCode.OK).JsonAsync();

        Assert.Equal(ChatAnswers.NotCovered, answer["content"]!.GetValue<string>());
        Assert.Empty(answer["citations"]!.AsArray());
        Assert.Empty(api.OpenAi.ChatCompletions.RequestsMentioning(question));
    }
}
