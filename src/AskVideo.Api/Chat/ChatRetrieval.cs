using AskVideo.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Chat;

/// <summary>A scene that matched the question, with its full-text rank.</summary>
public sealed record SceneHit(long Id, int VideoId, int Index, double Start, double End, string Text, string Title, double Rank);

/// <summary>One or more adjacent scenes of one video, as the answer cites them.</summary>
public sealed record Passage(int VideoId, string Title, double Start, double End, string Text, double Rank);

/// <summary>
/// Full-text retrieval over the scenes of a group's completed videos: any content word of the
/// question may match (its words joined with OR, leaving out English stop words such as "the" that
/// would match every passage; a question made only of stop words keeps them), ranked by
/// <c>ts_rank_cd</c>.
/// The top k are spread across videos (at most half of them from one video), and adjacent scenes
/// of one video are merged into one passage.
/// </summary>
public static class ChatRetrieval
{
    public static async Task<IReadOnlyList<Passage>> SearchAsync(
        this AppDbContext db, int groupId, string question, int topK, CancellationToken cancellationToken)
    {
        var candidates = topK * 4;
        var hits = await db.Database.SqlQuery<SceneHit>($"""
            WITH words AS (
                SELECT array_agg(w) AS all_words,
                       array_agg(w) FILTER (WHERE ts_lexize('english_stem', w) IS DISTINCT FROM ARRAY[]::text[]) AS content_words
                FROM unnest(tsvector_to_array(to_tsvector('simple', {question}))) AS w
            ), q AS (
                SELECT to_tsquery('simple', coalesce(array_to_string(ARRAY(
                    SELECT quote_literal(w) FROM unnest(coalesce(content_words, all_words)) AS w), ' | '), '')) AS query
                FROM words
            )
            SELECT s."Id", s."VideoId", s."Index", s."Start", s."End", s."Text", v."Title",
                   ts_rank_cd(s."SearchVector", q.query)::float8 AS "Rank"
            FROM q, scenes AS s
            JOIN video_group_members AS m ON m."VideoId" = s."VideoId" AND m."GroupId" = {groupId}
            JOIN videos AS v ON v."Id" = s."VideoId" AND v."Status" = 'Completed'
            WHERE s."SearchVector" @@ q.query
            ORDER BY "Rank" DESC, s."Id"
            LIMIT {candidates}
            """).ToListAsync(cancellationToken);
        return Spread(hits, topK);
    }

    /// <summary>The best <paramref name="topK"/> hits, at most ceil(k/2) per video, adjacent scenes merged, best first.</summary>
    public static IReadOnlyList<Passage> Spread(IReadOnlyList<SceneHit> ranked, int topK)
    {
        var perVideo = (topK + 1) / 2;
        var taken = new List<SceneHit>();
        var counts = new Dictionary<int, int>();
        foreach (var hit in ranked)
        {
            if (taken.Count == topK)
            {
                break;
            }
            var count = counts.GetValueOrDefault(hit.VideoId);
            if (count < perVideo)
            {
                counts[hit.VideoId] = count + 1;
                taken.Add(hit);
            }
        }

        var passages = new List<Passage>();
        foreach (var video in taken.GroupBy(h => h.VideoId))
        {
            var run = new List<SceneHit>();
            foreach (var hit in video.OrderBy(h => h.Index))
            {
                if (run.Count > 0 && hit.Index != run[^1].Index + 1)
                {
                    passages.Add(Merge(run));
                    run.Clear();
                }
                run.Add(hit);
            }
            passages.Add(Merge(run));
        }
        return [.. passages.OrderByDescending(p => p.Rank).ThenBy(p => p.VideoId).ThenBy(p => p.Start)];
    }

    private static Passage Merge(List<SceneHit> run) => new(
        run[0].VideoId, run[0].Title, run[0].Start, run[^1].End, string.Join(' ', run.Select(h => h.Text)), run.Max(h => h.Rank));
}
