using AskVideo.Tests.Fakes;

namespace AskVideo.Tests.Chat;

/// <summary>Lectures of many timed sentences, long enough that a passage spans minutes.</summary>
public static class Lecture
{
    /// <summary>Seconds each sentence of a lecture takes.</summary>
    public const double SentenceSeconds = 10;

    /// <summary>Sentence 13 (130–140 s) holds the answer about the lens.</summary>
    public const int LensSentence = 13;

    /// <summary>Sentence 19 (190–200 s): "Acetylene gas later allowed remote towers to run for months without any keeper."</summary>
    public const int AcetyleneSentence = 19;

    /// <summary>Sentence 20 (200–210 s): "… and the last keepers retired."</summary>
    public const int KeepersRetireSentence = 20;

    public static readonly string[] Lighthouses =
    [
        "Welcome to this lecture about the history of lighthouses along dangerous coasts.",
        "The earliest lighthouses were simple bonfires lit on hills near busy harbours.",
        "The Pharos of Alexandria stood for centuries as the tallest tower of the ancient world.",
        "Roman engineers later built towers at Dover and at Boulogne to guide their fleets.",
        "During the middle ages monks often kept lamps burning in chapels above the cliffs.",
        "Candles and oil lamps gave a weak glow that sailors could barely notice in fog.",
        "Coal fires burned brighter, yet their smoke blackened the windows of the lantern room.",
        "The Eddystone rock destroyed several wooden towers before Smeaton used interlocking granite.",
        "Smeaton tested lime mortar that could set under water, a lasting gift to engineering.",
        "Keepers climbed hundreds of stairs each night to trim wicks and polish reflectors.",
        "Parabolic mirrors behind the lamps gathered light into a narrower and stronger beam.",
        "Still, much of the light escaped upward into the sky where no ship could use it.",
        "Engineers searched for a way to bend the wasted light back toward the horizon.",
        "The Fresnel lens, first installed in 1823, used concentric glass prisms so a modest flame was visible forty kilometres away.",
        "Its rings of prisms were lighter and cheaper than one thick curved piece of glass.",
        "Rotating the lens produced flashes, and each station received its own rhythm of flashes.",
        "Sailors read these rhythms on charts to know exactly which coast they were passing.",
        "Foghorns and bells were added for days when no light could pierce the mist.",
        "Electric arc lamps arrived at the end of the nineteenth century in a few stations.",
        "Acetylene gas later allowed remote towers to run for months without any keeper.",
        "Automation spread after the Second World War and the last keepers retired.",
        "Today satellite navigation guides most ships, yet the towers remain as backup marks.",
        "Many towers are now museums where visitors climb the same stairs the keepers used.",
        "Thank you for listening, and next time we will look at lightships and buoys.",
    ];

    public static readonly string[] Japanese =
    [
        "今日は日本の鉄道の歴史についてお話しします。",
        "最初の鉄道は千八百七十二年に新橋と横浜の間で開業しました。",
        "当時の機関車はイギリスから輸入されたものでした。",
        "その後、全国に私鉄が次々と作られました。",
        "明治の終わりには主要な私鉄が国有化されました。",
        "新幹線は千九百六十四年の東京オリンピックに合わせて開業しました。",
        "最高速度は時速二百十キロメートルで、世界を驚かせました。",
        "現在ではリニア中央新幹線の建設が進んでいます。",
        "地方の路線は利用者の減少に悩んでいます。",
        "ご清聴ありがとうございました。",
    ];

    /// <summary>Sentence 5 (50–60 s) of the Japanese lecture: the Shinkansen's opening.</summary>
    public const int ShinkansenSentence = 5;

    /// <summary>Answers every transcription with these sentences, one every <see cref="SentenceSeconds"/>.</summary>
    public static void AnswerWithLecture(this FakeTranscriptions transcriptions, string language, string[] sentences)
    {
        var segments = sentences.Select((text, i) => new FakeSegment(i * SentenceSeconds, (i + 1) * SentenceSeconds - 0.01, text)).ToList();
        transcriptions.Answer = (_, _, _) => Task.FromResult(new FakeTranscription(language, sentences.Length * SentenceSeconds, segments));
    }

    /// <summary>True when the cited span, widened by <paramref name="slack"/> seconds, holds the given sentence.</summary>
    public static bool Holds(double start, double end, int sentence, double slack = 5) =>
        start <= sentence * SentenceSeconds + slack && end >= (sentence + 1) * SentenceSeconds - slack;
}
