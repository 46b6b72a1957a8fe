using System.Text;
using Npgsql;

namespace AskVideo.Core.Search;

/// <summary>A word of the question as one language of the group indexes it, and how many of the group's scenes hold it.</summary>
public sealed record QueryTerm(string Language, string Lexeme, int Scenes);

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
/// </summary>
public sealed class QueryTerms
{
    private readonly IReadOnlyList<QueryTerm> terms;
    private readonly int scenes;

    public QueryTerms(IReadOnlyList<QueryTerm> terms, int scenes)
    {
        var meaningful = terms.Where(t => t.Lexeme.Any(char.IsLetterOrDigit) && (t.Scenes > 0 || !SearchText.HasCjk(t.Lexeme))).ToList();
        var content = meaningful.Where(t => !IsHiragana(t.Lexeme)).ToList();
        this.terms = content.Count > 0 ? content : meaningful;
        this.scenes = scenes;
        var absent = this.terms.Any(t => SearchText.HasCjk(t.Lexeme)) ? AbsentWeightCjk : AbsentWeight;
        _weights = this.terms
            .GroupBy(t => t.Language)
            .ToDictionary(g => g.Key, g => g.ToDictionary(t => t.Lexeme, t => Idf(t.Scenes, scenes, absent), StringComparer.Ordinal));
    }

    /// <summary>Words held by at most this many scenes (or this share of them) are searched alone.</summary>
    public const int RareScenes = 50;
    public const double RareShare = 0.01;

    /// <summary>With no rare word, scenes must hold two of this many of the weightiest words.</summary>
    public const int PairedWords = 10;

    private readonly Dictionary<string, Dictionary<string, double>> _weights;

    public IReadOnlyList<QueryTerm> Terms => terms;

    /// <summary>Scenes in the group.</summary>
    public int Scenes => scenes;

    /// <summary>The weight of each of the question's lexemes in <paramref name="language"/> (ISO code, "" for none).</summary>
    public IReadOnlyDictionary<string, double> WeightsFor(string language) =>
        _weights.TryGetValue(language, out var weights) ? weights : new Dictionary<string, double>();

    public IEnumerable<(string Language, string Lexeme, double Weight)> Weighted() =>
        terms.Select(t => (t.Language, t.Lexeme, _weights[t.Language][t.Lexeme]));

    /// <summary>
    /// Per language, the tsquery (configuration 'simple', over already normalised lexemes) a
    /// candidate scene must match: any rare word, or two of the common ones.
    /// </summary>
    public IReadOnlyList<(string Language, string Query)> Filters()
    {
        var rareLimit = Math.Max(RareScenes, (int)(scenes * RareShare));
        var filters = new List<(string, string)>();
        foreach (var language in terms.Where(t => t.Scenes > 0).GroupBy(t => t.Language))
        {
            var rare = language.Where(t => t.Scenes <= rareLimit).Select(t => Quote(t.Lexeme)).ToList();
            var common = language.Where(t => t.Scenes > rareLimit).OrderBy(t => t.Scenes).Take(PairedWords).Select(t => Quote(t.Lexeme)).ToList();
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
    /// The question's lexemes in each language of the group's completed videos, with how many of
    /// the group's scenes hold each (from <c>video_terms</c>), and how many scenes the group has.
    /// Each language's configuration normalises the words (stems them, drops its stop words); for
    /// languages without one ('simple'), English stop words are left out unless the question is
    /// nothing else. Chinese and Japanese are searched by character pairs.
    /// </summary>
    public static async Task<QueryTerms> ReadAsync(NpgsqlDataSource dataSource, int groupId, string question, CancellationToken cancellationToken)
    {
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
                SELECT DISTINCT l.language, x AS lexeme
                FROM languages AS l, words AS w,
                     LATERAL unnest(CASE WHEN l.config = 'simple'::regconfig
                         THEN coalesce(w.content_words, w.all_words) ELSE w.all_words END) AS word,
                     LATERAL unnest(tsvector_to_array(to_tsvector(l.config, word))) AS x
            )
            SELECT x.language, x.lexeme,
                   coalesce((SELECT sum(t."Scenes") FROM video_terms AS t, ids
                             WHERE t."Lexeme" = x.lexeme AND t."VideoId" = ANY(ids.ids)), 0)::int
            FROM lexemes AS x
            UNION ALL
            SELECT NULL, '', coalesce((SELECT sum(t."Scenes") FROM video_terms AS t, ids
                                       WHERE t."Lexeme" = '' AND t."VideoId" = ANY(ids.ids)), 0)::int
            """);
        query.Parameters.Add(new() { Value = SearchText.ForQuery(question) });
        query.Parameters.Add(new() { Value = groupId });
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
            terms.Add(new QueryTerm(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }
        return new QueryTerms(terms, scenes);
    }
}
