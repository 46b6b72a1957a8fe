using System.Globalization;
using System.Text;

namespace AskVideo.Benchmarks;

internal sealed record CorpusScene(int Index, double Start, double End, string Text);

/// <summary>A generated sentence as a transcript segment, timed by its words' position.</summary>
internal sealed record CorpusSegment(double Start, double End, string Text);

internal sealed record CorpusVideo(int Number, string Title, double Duration, IReadOnlyList<CorpusScene> Scenes)
{
    /// <summary>The video's sentences as timed segments, what the Worker would have transcribed.</summary>
    public IReadOnlyList<CorpusSegment> Segments { get; init; } = [];
}

/// <summary>A question whose answer was "said" in video <paramref name="VideoNumber"/> between Start and End.</summary>
internal sealed record CorpusQuestion(string Text, int VideoNumber, double Start, double End, bool NamesSubject);

/// <summary>
/// Generated transcripts: each video talks about three topics in turn, each ~30 s scene drawing its
/// words from its topic's vocabulary and from everyday words. Planted in random scenes are fact
/// sentences about invented subjects ("Mirvek Tor repainted the Osdun lighthouse in 1932."); each
/// subject is also mentioned in passing in two other scenes, so a question must match more than the
/// name. Every fact has one question, a paraphrase sharing some but not all of its words (other
/// tense or number, question and stop words); a quarter of them do not name the subject at all.
/// </summary>
internal sealed class TranscriptCorpus
{
    private readonly Random _random;
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);

    private TranscriptCorpus(int seed) => _random = new Random(seed);

    public List<CorpusVideo> Videos { get; } = [];
    public List<CorpusQuestion> Questions { get; } = [];

    /// <summary>Questions about a topic in general, which match many scenes (the broad case for latency).</summary>
    public List<string> TopicalQuestions { get; } = [];

    public int SceneCount => Videos.Sum(v => v.Scenes.Count);

    public static TranscriptCorpus Generate(int videos, int minutesPerVideo, int facts, int seed = 20261124)
    {
        var corpus = new TranscriptCorpus(seed);
        corpus.Build(videos, minutesPerVideo * 60.0, facts);
        return corpus;
    }

    private sealed class Draft(double start, double end, Topic topic)
    {
        public double Start { get; } = start;
        public double End { get; } = end;
        public Topic Topic { get; } = topic;
        public List<string> Sentences { get; } = [];
        public int? FactSentence { get; set; }
        public int? Fact { get; set; }
        public bool Mentioned { get; set; }
    }

    private void Build(int videoCount, double duration, int factCount)
    {
        foreach (var word in CorpusVocabulary.Common.Concat(CorpusVocabulary.Topics.SelectMany(t => t.Words.Concat(t.Nouns))))
        {
            _names.Add(word);
        }
        var drafts = new List<List<Draft>>();
        for (var v = 0; v < videoCount; v++)
        {
            drafts.Add(DraftVideo(duration));
        }

        var people = Enumerable.Range(0, 60).Select(_ => $"{Name()} {Name()}").ToArray();
        var places = Enumerable.Range(0, 40).Select(_ => Name()).ToArray();
        var slots = drafts.SelectMany((scenes, v) => scenes.Select(scene => (Video: v, Scene: scene))).ToList();
        var factSlots = slots.OrderBy(_ => _random.Next()).Take(factCount).ToList();
        var nameless = new HashSet<string>();
        var questions = new List<(int Video, Draft Scene, string Text, bool NamesSubject)>();
        for (var f = 0; f < factSlots.Count; f++)
        {
            var (video, scene) = factSlots[f];
            var fact = new Fact(
                Name(), Pick(scene.Topic.Nouns), Pick(CorpusVocabulary.Verbs), Pick(people), Pick(places),
                _random.Next(1850, 2021), _random.Next(3, 950), Pick(CorpusVocabulary.Rates), _random.Next(4));
            var position = _random.Next(scene.Sentences.Count + 1);
            scene.Sentences.Insert(position, fact.Sentence());
            scene.FactSentence = position;
            scene.Fact = f;

            // A question without the subject's name must still point at one fact only.
            var key = fact.NamelessKey();
            var withoutName = _random.NextDouble() < 0.25 && nameless.Add(key);
            questions.Add((video, scene, fact.Question(_random.Next(2), withoutName), !withoutName));

            foreach (var (_, other) in slots.Where(s => s.Scene.Fact is null && !s.Scene.Mentioned).OrderBy(_ => _random.Next()).Take(2))
            {
                other.Mentioned = true;
                other.Sentences.Insert(_random.Next(other.Sentences.Count + 1), Mention(fact));
            }
        }

        for (var v = 0; v < drafts.Count; v++)
        {
            var topics = drafts[v].Select(d => d.Topic.Name).Distinct();
            Videos.Add(new CorpusVideo(
                v, $"Lecture {v + 1}: {string.Join(", ", topics)}", duration,
                [.. drafts[v].Select((d, i) => new CorpusScene(i, d.Start, d.End, string.Join(' ', d.Sentences)))])
            {
                Segments = [.. drafts[v].SelectMany(Timed)],
            });
        }
        foreach (var (video, scene, text, namesSubject) in questions)
        {
            // The fact's own time within its scene, by word position.
            var before = scene.Sentences.Take(scene.FactSentence!.Value).Sum(WordCount);
            var words = scene.Sentences.Sum(WordCount);
            var span = scene.End - scene.Start;
            var start = scene.Start + span * before / words;
            var end = scene.Start + span * (before + WordCount(scene.Sentences[scene.FactSentence.Value])) / words;
            Questions.Add(new CorpusQuestion(text, video, start, end, namesSubject));
        }
        for (var i = 0; i < 300; i++)
        {
            var topic = Pick(CorpusVocabulary.Topics);
            TopicalQuestions.Add(_random.Next(3) switch
            {
                0 => $"What does the speaker say about the {Pick(topic.Nouns)} and {Pick(topic.Words)}?",
                1 => $"Explain how {Pick(topic.Words)} affects the {Pick(topic.Nouns)}",
                _ => $"where do they talk about {Pick(topic.Words)}, {Pick(topic.Words)} or {Pick(topic.Words)}",
            });
        }
    }

    /// <summary>A draft's sentences, each timed by the position of its words in the draft.</summary>
    private static IEnumerable<CorpusSegment> Timed(Draft draft)
    {
        var words = draft.Sentences.Sum(WordCount);
        var span = draft.End - draft.Start;
        var before = 0;
        foreach (var sentence in draft.Sentences)
        {
            var count = WordCount(sentence);
            yield return new CorpusSegment(draft.Start + span * before / words, draft.Start + span * (before + count) / words, sentence);
            before += count;
        }
    }

    private List<Draft> DraftVideo(double duration)
    {
        var topics = CorpusVocabulary.Topics.OrderBy(_ => _random.Next()).Take(3).ToArray();
        var topic = topics[0];
        var scenes = new List<Draft>();
        for (var start = 0.0; start < duration - 5;)
        {
            var end = Math.Min(duration, start + 24 + (_random.NextDouble() * 12));
            if (_random.NextDouble() < 0.2)
            {
                topic = Pick(topics);
            }
            var draft = new Draft(start, end, topic);
            var target = _random.Next(91, 132) - 12; // room for a fact or a mention
            for (var words = 0; words < target;)
            {
                var sentence = Sentence(topic, Math.Min(target - words, _random.Next(8, 17)));
                words += WordCount(sentence);
                draft.Sentences.Add(sentence);
            }
            scenes.Add(draft);
            start = end;
        }
        return scenes;
    }

    private string Sentence(Topic topic, int length)
    {
        var words = new List<string>();
        if (_random.NextDouble() < 0.15)
        {
            words.AddRange(Pick(CorpusVocabulary.Connectors).Split(' '));
        }
        while (words.Count < Math.Max(length, 3))
        {
            var roll = _random.NextDouble();
            words.Add(roll < 0.08 ? Pick(topic.Nouns) : roll < 0.42 ? Pick(topic.Words) : Pick(CorpusVocabulary.Common));
        }
        return Capitalized(string.Join(' ', words)) + ".";
    }

    private string Mention(Fact fact) => _random.Next(3) switch
    {
        0 => $"Someone asked about {fact.Name} here as well, but we will come back to that later.",
        1 => $"This reminds me of the {fact.Name} {Pick(CorpusVocabulary.Topics).Nouns[0]} that a friend visited once.",
        _ => $"I know many of you wrote to us about {fact.Name} and {fact.Person}.",
    };

    /// <summary>A pronounceable invented name, never a vocabulary word and never used twice.</summary>
    private string Name()
    {
        while (true)
        {
            var name = new StringBuilder();
            var syllables = _random.Next(2, 4);
            for (var i = 0; i < syllables; i++)
            {
                name.Append(Pick(CorpusVocabulary.Syllables));
            }
            var candidate = Capitalized(name.ToString());
            if (_names.Add(candidate))
            {
                return candidate;
            }
        }
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static int WordCount(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private sealed record Fact(string Name, string Noun, Verb Verb, string Person, string Place, int Year, int Amount, (string Unit, string Period) Rate, int Template)
    {
        private string Amounts => Amount.ToString(CultureInfo.InvariantCulture);

        public string Sentence() => Template switch
        {
            0 => $"{Person} {Verb.Past} the {Name} {Noun} in {Year}.",
            1 => $"The {Name} {Noun} {Verb.Third} about {Amounts} {Rate.Unit} every {Rate.Period}, which surprised {Person}.",
            2 => $"Back then the {Name} {Noun} was {Verb.Past} near {Place} by a small crew.",
            _ => $"{Person} said it took {Amounts} weeks to {Verb.Base} the {Name} {Noun} properly.",
        };

        /// <summary>The words a question without the name relies on.</summary>
        public string NamelessKey() => Template == 2 ? $"{Place}|{Noun}|{Verb.Base}" : $"{Person}|{Noun}|{Verb.Base}";

        public string Question(int variant, bool withoutName) => (Template, variant, withoutName) switch
        {
            (0, _, true) => $"When did {Person} {Verb.Base} the {Noun}?",
            (0, 0, _) => $"Who {Verb.Past} the {Name} {Noun}?",
            (0, _, _) => $"In which year was the {Noun} called {Name} {Verb.Past}?",
            (1, _, true) => $"How many {Rate.Unit} did {Person} say the {Noun} {Verb.Past}?",
            (1, 0, _) => $"How many {Rate.Unit} does the {Name} {Noun} {Verb.Base} each {Rate.Period}?",
            (1, _, _) => $"what amount does {Name} {Verb.Base} per {Rate.Period}",
            (2, _, true) => $"Which {Noun} was {Verb.Past} close to {Place}?",
            (2, 0, _) => $"Where was the {Name} {Noun} {Verb.Past}?",
            (2, _, _) => $"is it true they were {Verb.Gerund} {Name} somewhere near {Place}?",
            (_, _, true) => $"How long did {Person} spend {Verb.Gerund} the {Noun}?",
            (_, 0, _) => $"How long did it take to {Verb.Base} the {Name} {Noun}?",
            _ => $"How many weeks were spent {Verb.Gerund} {Name}?",
        };
    }
}
