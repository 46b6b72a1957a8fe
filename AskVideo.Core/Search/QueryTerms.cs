using System.Text;
using Npgsql;

namespace AskVideo.Core.Search;

/// <summary>A word of the question as one language of the group indexes it, and how many of the group's scenes hold it.</summary>
/// <param name="Stands">For a word related to one of the question's (<see cref="Thesaurus"/>), the question's lexeme it stands for; null for the question's own words.</param>
public sealed record QueryTerm(string Language, string Lexeme, int Scenes, string? Stands = null);

/// <summary>
/// The weight of each lexeme a moment may hold, per word of the question: a word related to one
/// of the question's words stands for it, so a moment holding both counts the word once, at the
/// larger of the two weights.
/// </summary>
public sealed class TermWeights
{
    private readonly Dictionary<string, (string Stands, double Weight)> terms;

    public TermWeights(IReadOnlyDictionary<string, double> weights)
        : this(weights.ToDictionary(w => w.Key, w => (w.Key, w.Value), StringComparer.Ordinal), weights.Values.Sum())
    {
    }

    /// <param name="terms">Each lexeme with the question's lexeme it stands for (itself for the question's own) and its weight.</param>
    /// <param name="total">The whole weight of the question.</param>
    public TermWeights(Dictionary<string, (string Stands, double Weight)> terms, double total) => (this.terms, Total) = (terms, total);

    public static TermWeights None { get; } = new(new Dictionary<string, double>());

    public static implicit operator TermWeights(Dictionary<string, double> weights) => new(weights);

    /// <summary>The whole weight of the question: its own words' weights.</summary>
    public double Total { get; }

    public double this[string lexeme] => terms[lexeme].Weight;

    public bool ContainsKey(string lexeme) => terms.ContainsKey(lexeme);

    /// <summary>The question's lexeme that <paramref name="lexeme"/> counts for, and its weight there.</summary>
    public bool TryGet(string lexeme, out string stands, out double weight)
    {
        var found = terms.TryGetValue(lexeme, out var term);
        (stands, weight) = term;
        return found;
    }

    /// <summary>The weight <paramref name="lexemes"/> hold: per word of the question, the largest weight among them that stands for it.</summary>
    public double Held(IEnumerable<string> lexemes)
    {
        var held = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var lexeme in lexemes)
        {
            if (TryGet(lexeme, out var stands, out var weight) && weight > held.GetValueOrDefault(stands))
            {
                held[stands] = weight;
            }
        }
        return held.Values.Sum();
    }
}

/// <summary>
/// The question's words in each language of the group, each weighted by its inverse document
/// frequency over the group's scenes (BM25's IDF): a word most scenes hold says little about
/// where the answer is, a rare one says much. A word no scene holds weighs as a word one scene
/// holds, so a question about something the videos never mention keeps its weight and shows up
/// as weak evidence; it weighs <see cref="AbsentWeight"/> times that, because a word the videos never
/// say is the plainest sign that they do not cover the question. Left out: lexemes with no letter or
/// digit ("？"), character pairs of Chinese or Japanese that no scene holds (most straddle two words of
/// the question: "高さは" gives "さは"), and pairs of hiragana alone (particles and endings such as
/// "ます" or "には"), unless the question has nothing else.
/// Words related to an English question's words (<see cref="Thesaurus"/>) that some scene holds
/// count for the word they stand for, at <paramref name="relatedShare"/> of its weight or of their
/// own, whichever is less.
/// </summary>
public sealed partial class QueryTerms
{
    private readonly IReadOnlyList<QueryTerm> terms;
    private readonly int scenes;

    public QueryTerms(IReadOnlyList<QueryTerm> terms, int scenes, double relatedShare = ThesaurusOptions.DefaultShare)
    {
        var meaningful = terms.Where(t => t.Stands is null && t.Lexeme.Any(char.IsLetterOrDigit) && (t.Scenes > 0 || !SearchText.HasCjk(t.Lexeme))).ToList();
        var content = meaningful.Where(t => !IsHiragana(t.Lexeme)).ToList();
        var own = content.Count > 0 ? content : meaningful;
        this.scenes = scenes;
        var absent = own.Any(t => SearchText.HasCjk(t.Lexeme)) ? AbsentWeightCjk : AbsentWeight;
        var weights = own.GroupBy(t => t.Language)
            .ToDictionary(g => g.Key, g => g.ToDictionary(
                t => t.Lexeme, t => (Stands: t.Lexeme, Weight: Idf(t.Scenes, scenes, absent) * (IsBoundaryPair(t.Lexeme) ? BoundaryPairShare : 1)),
                StringComparer.Ordinal));
        var related = terms
            .Where(t => t.Stands is not null && t.Scenes > 0 && weights.TryGetValue(t.Language, out var w) && w.ContainsKey(t.Stands) && !w.ContainsKey(t.Lexeme))
            .Select(t => (Term: t, Weight: relatedShare * Math.Min(Idf(t.Scenes, scenes, absent), weights[t.Language][t.Stands!].Weight)))
            .GroupBy(r => (r.Term.Language, r.Term.Lexeme))
            .Select(g => g.MaxBy(r => r.Weight))
            .ToList();
        foreach (var (term, weight) in related)
        {
            weights[term.Language][term.Lexeme] = (term.Stands!, weight);
        }
        this.terms = [.. own, .. related.Select(r => r.Term)];
        _weights = weights.ToDictionary(
            w => w.Key, w => new TermWeights(w.Value, w.Value.Where(t => t.Key == t.Value.Stands).Sum(t => t.Value.Weight)));
    }

    /// <summary>Words held by at most this many scenes (or this share of them) are searched alone.</summary>
    public const int RareScenes = 50;
    public const double RareShare = 0.01;

    /// <summary>With no rare word, scenes must hold two of this many of the weightiest words.</summary>
    public const int PairedWords = 10;

    private readonly Dictionary<string, TermWeights> _weights;

    /// <summary>The question's words, then the related words that stand for them.</summary>
    public IReadOnlyList<QueryTerm> Terms => terms;

    /// <summary>Scenes in the group.</summary>
    public int Scenes => scenes;

    /// <summary>The weight of each of the question's lexemes in <paramref name="language"/> (ISO code, "" for none).</summary>
    public TermWeights WeightsFor(string language) =>
        _weights.TryGetValue(language, out var weights) ? weights : TermWeights.None;

    public IEnumerable<(string Language, string Lexeme, double Weight)> Weighted() =>
        terms.Select(t => (t.Language, t.Lexeme, _weights[t.Language][t.Lexeme]));

    /// <summary>
    /// Per language, the tsquery (configuration 'simple', over already normalised lexemes) a
    /// candidate scene must match: any rare word (of the question's or related to one), or two of
    /// the question's common ones.
    /// </summary>
    public IReadOnlyList<(string Language, string Query)> Filters()
    {
        var rareLimit = Math.Max(RareScenes, (int)(scenes * RareShare));
        var filters = new List<(string, string)>();
        foreach (var language in terms.Where(t => t.Scenes > 0).GroupBy(t => t.Language))
        {
            var rare = language.Where(t => t.Scenes <= rareLimit).Select(t => Quote(t.Lexeme)).ToList();
            var common = language.Where(t => t.Scenes > rareLimit && t.Stands is null).OrderBy(t => t.Scenes).Take(PairedWords).Select(t => Quote(t.Lexeme)).ToList();
            var parts = new List<string>(rare);
            for (var i = 0; i < common.Count; i++)
            {
                for (var j = i + 1; j < common.Count; j++)
                {
                    parts.Add($"({common[i]} & {common[j]})");
                }
            }
            if (parts.Count == 0)
            {
                // One common word and nothing else: it is all there is to search for.
                parts.AddRange(common);
            }
            filters.Add((language.Key, string.Join(" | ", parts)));
        }
        return filters;
    }

    /// <summary>A lexeme as a tsquery operand: quoted, so that no character of it is read as an operator.</summary>
    public static string Quote(string lexeme) =>
        new StringBuilder("'").Append(lexeme.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)).Append('\'').ToString();

    /// <summary>How many times a word no scene holds outweighs a word that one scene holds.</summary>
    public const double AbsentWeight = 2;

    /// <summary>
    /// <see cref="AbsentWeight"/> in a Chinese or Japanese question. Its character pairs that no
    /// scene holds are left out (most straddle two words), so a word it keeps that no scene holds
    /// is a whole word written in another script: the name of a tool or a format the question is
    /// about, which the videos never say.
    /// </summary>
    public const double AbsentWeightCjk = 3;

    private static double Idf(int holding, int scenes, double absentWeight)
    {
        var n = Math.Max(scenes, 1);
        var df = Math.Clamp(holding, 1, n);
        var idf = Math.Log(1 + (n - df + 0.5) / (df + 0.5));
        return holding > 0 ? idf : absentWeight * idf;
    }

    private static bool IsHiragana(string lexeme) => lexeme.All(c => c is >= '\u3041' and <= '\u309F');

    /// <summary>
    /// What a pair of one hiragana and one other character ("ドで", "の後", "名は") weighs, as a
    /// share of its IDF. Hiragana mostly writes particles and endings, so such a pair mostly joins a
    /// word to the particle after or before it: which particle follows a word says little about
    /// where the answer is, yet the pair is rare and would weigh as much as the question's words.
    /// </summary>
    public const double BoundaryPairShare = 0.5;

    private static bool IsBoundaryPair(string lexeme) =>
        lexeme.Length == 2 && SearchText.HasCjk(lexeme) && IsHiragana(lexeme[..1]) != IsHiragana(lexeme[1..]);

    /// <summary>
    /// The question's lexemes in each language of the group's completed videos, with how many of
    /// the group's scenes hold each (from <c>video_terms</c>), and how many scenes the group has.
    /// Each language's configuration normalises the words (stems them, drops its stop words); for
    /// languages without one ('simple'), English stop words are left out unless the question is
    /// nothing else. Chinese and Japanese are searched by character pairs. For the group's English
    /// videos, the words <paramref name="thesaurus"/> relates to the question's are read as well.
    /// </summary>
    public static async Task<QueryTerms> ReadAsync(
        NpgsqlDataSource dataSource, Thesaurus? thesaurus, int groupId, string question, CancellationToken cancellationToken)
    {
        var related = WidenedWords(thesaurus, question);
        await using var query = dataSource.CreateCommand("""
            WITH words AS (
                SELECT array_agg(w) AS all_words,
                       array_agg(w) FILTER (WHERE ts_lexize('english_stem', w) IS DISTINCT FROM ARRAY[]::text[]) AS content_words
                FROM unnest(tsvector_to_array(to_tsvector('simple', $1))) AS w
            ), group_videos AS MATERIALIZED (
                SELECT v."Id", v."Language"
                FROM video_group_members AS m JOIN videos AS v ON v."Id" = m."VideoId"
                WHERE m."GroupId" = $2 AND v."Status" = 'Completed'
            ), ids AS MATERIALIZED (
                SELECT array_agg("Id") AS ids FROM group_videos
            ), languages AS (
                SELECT DISTINCT coalesce("Language", '') AS language, askvideo_search_config("Language") AS config FROM group_videos
            ), lexemes AS (
                SELECT DISTINCT l.language, x AS lexeme, NULL::text AS stands
                FROM languages AS l, words AS w,
                     LATERAL unnest(CASE WHEN l.config = 'simple'::regconfig
                         THEN coalesce(w.content_words, w.all_words) ELSE w.all_words END) AS word,
                     LATERAL unnest(tsvector_to_array(to_tsvector(l.config, word))) AS x
                UNION ALL
                SELECT DISTINCT l.language, x, s
                FROM languages AS l, unnest($3::text[], $4::text[]) AS r(word, related),
                     LATERAL unnest(ts_lexize('english_stem', r.word)) AS s,
                     LATERAL unnest(ts_lexize('english_stem', r.related)) AS x
                WHERE l.config = 'english'::regconfig
            ), counts AS MATERIALIZED (
                -- Each distinct lexeme once (a related word often comes from several of the
                -- question's words), and '' for the group's number of scenes.
                SELECT u.lexeme,
                       coalesce((SELECT sum(t."Scenes") FROM video_terms AS t, ids
                                 WHERE t."Lexeme" = u.lexeme AND t."VideoId" = ANY(ids.ids)), 0)::int AS scenes
                FROM (SELECT lexeme FROM lexemes UNION SELECT '') AS u
            )
            SELECT x.language, x.lexeme, c.scenes, x.stands
            FROM lexemes AS x JOIN counts AS c ON c.lexeme = x.lexeme
            UNION ALL
            SELECT NULL, '', c.scenes, NULL FROM counts AS c WHERE c.lexeme = ''
            """);
        query.Parameters.Add(new() { Value = SearchText.ForQuery(question) });
        query.Parameters.Add(new() { Value = groupId });
        query.Parameters.Add(new() { Value = related.Select(r => r.Word).ToArray() });
        query.Parameters.Add(new() { Value = related.Select(r => r.Related).ToArray() });
        var terms = new List<QueryTerm>();
        var scenes = 0;
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.IsDBNull(0))
            {
                scenes = reader.GetInt32(2);
                continue;
            }
            terms.Add(new QueryTerm(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
        return new QueryTerms(terms, scenes, thesaurus?.Share ?? 0);
    }

    /// <summary>Each of the first <see cref="MaxWidenedWords"/> words of the question in Latin letters with each word the thesaurus relates to it; none without a thesaurus.</summary>
    public static List<(string Word, string Related)> WidenedWords(Thesaurus? thesaurus, string question) =>
        thesaurus is { Available: true }
            ? [.. EnglishWord().Matches(question.ToLowerInvariant()).Select(m => m.Value).Distinct(StringComparer.Ordinal)
                .Take(MaxWidenedWords)
                .SelectMany(word => thesaurus.Related(word).Select(related => (word, related)))]
            : [];

    /// <summary>
    /// The question's first words that bring their related words: a question is a sentence or two,
    /// and a message pasted at full length should not cost thousands of lookups.
    /// </summary>
    public const int MaxWidenedWords = 40;

    [System.Text.RegularExpressions.GeneratedRegex("[a-z]+(?:-[a-z]+)*")]
    private static partial System.Text.RegularExpressions.Regex EnglishWord();
}
