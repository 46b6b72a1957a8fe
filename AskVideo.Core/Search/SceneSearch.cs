using System.Diagnostics;
using AskVideo.Core.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Pgvector;

namespace AskVideo.Core.Search;

/// <summary>A scene that matched the question, with its score in one ranking.</summary>
public sealed record SceneHit(long Id, int VideoId, int Index, double Start, double End, string Text, string Title, double Rank);

/// <summary>
/// One or more adjacent scenes of one video, as the model reads them, with the moments inside that
/// best answer the question (what citations point at) and the passage cut into moments a model
/// can cite.
/// </summary>
/// <param name="Found">The moments that best answer the question, best first; never empty.</param>
/// <param name="Moments">The whole passage as consecutive moments, in time order.</param>
/// <param name="Similarity">The cosine similarity of the question's embedding, when vector search found the passage.</param>
public sealed record Passage(
    int VideoId, string Title, double Start, double End, string Text, double Rank,
    IReadOnlyList<Moment> Found, IReadOnlyList<Moment> Moments, double? Similarity = null)
{
    /// <summary>The moment that best answers the question.</summary>
    public Moment Moment => Found[0];

    /// <summary>The most evidence any of the found moments gives that the passage covers the question.</summary>
    public double Evidence => Found.Max(m => m.Evidence);
}

/// <summary>How a search ranks scenes.</summary>
public enum SearchMethod
{
    /// <summary>Full-text and vector rankings fused by reciprocal rank (full-text alone without embeddings).</summary>
    Hybrid,
    FullText,
    Vector,
}

/// <summary>
/// Retrieval over the scenes of a group's completed videos, ranked by the evidence of the best
/// moment inside them. Each of the question's words (lexemes, in each language of the group)
/// weighs its inverse document frequency over the group's scenes (<see cref="QueryTerms"/>).
/// Candidates: scenes holding any of the rarer words or two of the common ones, ranked by the
/// weight of the words they hold; with embeddings, also the nearest scenes by cosine distance
/// (HNSW). Then every candidate's segments are read and the best window of at most
/// <see cref="MomentOptions.MaxSeconds"/> found (<see cref="MomentFinder"/>), by the question's words
/// and, for the best candidates of each ranking whose segments were embedded, by how close in
/// meaning each segment is to the question (<see cref="MomentOptions.VectorWeight"/>): a scene ranks by the
/// share of the question's weight its best moment holds, plus a smaller share for the scene as a
/// whole (its topic), plus its vector similarity. A long scene no longer wins by length.
/// The top k are spread across videos (at most half from one video), and adjacent scenes of one
/// video merged into one passage; the passage's moment is its best scene's.
/// </summary>
public sealed class SceneSearch(
    NpgsqlDataSource dataSource, SceneEmbedder embedder, Thesaurus thesaurus, IOptions<MomentOptions> moments, ILogger<SceneSearch> logger)
{
    /// <summary>The RRF constant: damps the weight of the very first ranks.</summary>
    public const int RrfK = 60;

    /// <summary>How much vector similarity counts beside the words' evidence.</summary>
    public const double VectorWeight = 0.5;


    public async Task<IReadOnlyList<Passage>> SearchAsync(
        int groupId, string question, int topK, CancellationToken cancellationToken, SearchMethod method = SearchMethod.Hybrid)
    {
        using var activity = Telemetry.Source.StartActivity("retrieve");
        activity?.SetTag("askvideo.group_id", groupId);
        activity?.SetTag("askvideo.retrieval.method", method.ToString());

        // Both rankings run at once, each on its own connection.
        var questionTask = method != SearchMethod.FullText && embedder.Reads(question)
            ? EmbedQuestionAsync(question, cancellationToken)
            : Task.FromResult<Vector?>(null);
        var semanticTask = SemanticAsync(groupId, questionTask, topK * 2, cancellationToken);
        var terms = await QueryTerms.ReadAsync(dataSource, thesaurus, groupId, question, cancellationToken);
        IReadOnlyList<SceneHit> lexical = method != SearchMethod.Vector
            ? await FullTextAsync(groupId, terms, topK * 3, cancellationToken)
            : [];
        var semantic = await semanticTask;
        activity?.SetTag("askvideo.retrieval.full_text_hits", lexical.Count);
        activity?.SetTag("askvideo.retrieval.vector_hits", semantic.Count);

        var pool = lexical.Concat(semantic).DistinctBy(h => h.Id).ToList();
        if (pool.Count == 0)
        {
            return [];
        }
        // With embeddings, the segments of the best candidates of each ranking come with their
        // closeness in meaning to the question, read beside the segments themselves.
        var segmentsTask = SegmentsAsync([.. pool.Select(h => h.Id)], cancellationToken);
        var closeness = await questionTask is { } vector && moments.Value.VectorWeight > 0
            ? await SegmentSimilaritiesAsync(
                [.. lexical.Take(topK).Concat(semantic.Take(topK)).Select(h => h.Id).Distinct()], vector, embedder.Model!, cancellationToken)
            : [];
        var segments = await segmentsTask;
        activity?.SetTag("askvideo.retrieval.scenes_with_meaning", closeness.Count);
        var similarity = semantic.ToDictionary(h => h.Id, h => h.Rank);
        var shape = AnswerShape.Of(question);
        var questionWords = shape == AnswerKind.Person ? AnswerShape.WordsOf(question) : new HashSet<string>();
        Func<SegmentTerms, bool>? fits = shape == AnswerKind.Any ? null : s => AnswerShape.Fits(shape, s.Text, questionWords);
        var scored = new List<(SceneHit Hit, IReadOnlyList<Moment> Found, IReadOnlyList<Moment> All, double? Similarity)>(pool.Count);
        using (Telemetry.Source.StartActivity("retrieve.moments"))
        {
            foreach (var hit in pool)
            {
                var (language, parts) = segments.GetValueOrDefault(hit.Id, ("", [new SegmentTerms(hit.Start, hit.End, hit.Text, [])]));
                if (closeness.TryGetValue(hit.Id, out var near))
                {
                    parts = [.. parts.Select((p, ordinal) => p with { Similarity = near.TryGetValue(ordinal, out var c) ? c : null })];
                }
                var weights = terms.WeightsFor(language);
                var found = MomentFinder.Top(parts, weights, moments.Value, moments.Value.PerScene, fits);
                var scene = Evidence(parts, weights);
                double? cosine = similarity.TryGetValue(hit.Id, out var c) ? c : null;
                var rank = found[0].Score + moments.Value.SceneWeight * scene + VectorWeight * Math.Max(0, cosine ?? 0);
                scored.Add((hit with { Rank = rank }, found, MomentFinder.Partition(parts, weights, moments.Value), cosine));
            }
        }
        var byId = scored.ToDictionary(s => s.Hit.Id);
        var ranked = scored.OrderByDescending(s => s.Hit.Rank).ThenBy(s => s.Hit.Id).Select(s => s.Hit).ToList();
        var passages = Spread(ranked, topK, run =>
        {
            IReadOnlyList<Moment> found = [.. run.SelectMany(h => byId[h.Id].Found).OrderByDescending(m => m.Score).Take(moments.Value.PerScene)];
            return (found, [.. run.SelectMany(h => byId[h.Id].All)], run.Max(h => byId[h.Id].Similarity));
        });
        activity?.SetTag("askvideo.retrieval.best_evidence", passages.Count > 0 ? passages.Max(p => p.Evidence) : 0);
        return passages;
    }

    private static double Evidence(IReadOnlyList<SegmentTerms> segments, TermWeights weights) =>
        weights.Total > 0 ? weights.Held(segments.SelectMany(s => s.Terms)) / weights.Total : 0;

    /// <summary>The question's embedding; null when the embedding service fails, so that full-text search carries the question.</summary>
    private async Task<Vector?> EmbedQuestionAsync(string question, CancellationToken cancellationToken)
    {
        try
        {
            return await embedder.EmbedAsync(question, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A question still deserves an answer when the embedding service is down: full-text carries it.
            logger.LogWarning(ex, "The question could not be embedded; retrieval falls back to full-text search.");
            Activity.Current?.AddEvent(new ActivityEvent("embedding_failed"));
            return null;
        }
    }

    private async Task<IReadOnlyList<SceneHit>> SemanticAsync(int groupId, Task<Vector?> questionTask, int limit, CancellationToken cancellationToken) =>
        await questionTask is { } vector ? await VectorAsync(groupId, vector, embedder.Model!, limit, cancellationToken) : [];

    /// <summary>Scenes holding the words of <paramref name="question"/>, best first by the weight of the words they hold.</summary>
    public async Task<IReadOnlyList<SceneHit>> FullTextAsync(int groupId, string question, int limit, CancellationToken cancellationToken) =>
        await FullTextAsync(groupId, await QueryTerms.ReadAsync(dataSource, thesaurus, groupId, question, cancellationToken), limit, cancellationToken);

    /// <summary>
    /// Scenes holding any of the question's rarer words, or two of its common ones (a common word
    /// alone would match most scenes and cost a scan of them), ranked by the summed weight of the
    /// words each holds.
    /// </summary>
    private async Task<IReadOnlyList<SceneHit>> FullTextAsync(int groupId, QueryTerms terms, int limit, CancellationToken cancellationToken)
    {
        var filters = terms.Filters();
        if (filters.Count == 0)
        {
            return [];
        }
        var weighted = terms.Weighted().ToList();
        await using var query = dataSource.CreateCommand("""
            WITH terms AS MATERIALIZED (
                SELECT t.language, to_tsquery('simple', t.term) AS term, t.weight
                FROM unnest($1::text[], $2::text[], $3::float8[]) AS t(language, term, weight)
            ), filters AS MATERIALIZED (
                SELECT f.language, to_tsquery('simple', f.filter) AS filter
                FROM unnest($4::text[], $5::text[]) AS f(language, filter)
            )
            SELECT s."Id", s."VideoId", s."Index", s."Start", s."End", s."Text", v."Title",
                   (SELECT sum(t.weight) FROM terms AS t
                    WHERE t.language = coalesce(s."Language", '') AND s."SearchVector" @@ t.term)::float8 AS "Rank"
            FROM filters AS f
            JOIN scenes AS s ON coalesce(s."Language", '') = f.language AND s."SearchVector" @@ f.filter
            JOIN video_group_members AS m ON m."VideoId" = s."VideoId" AND m."GroupId" = $6
            JOIN videos AS v ON v."Id" = s."VideoId" AND v."Status" = 'Completed'
            ORDER BY "Rank" DESC, s."Id"
            LIMIT $7
            """);
        query.Parameters.Add(new() { Value = weighted.Select(w => w.Language).ToArray() });
        query.Parameters.Add(new() { Value = weighted.Select(w => QueryTerms.Quote(w.Lexeme)).ToArray() });
        query.Parameters.Add(new() { Value = weighted.Select(w => w.Weight).ToArray() });
        query.Parameters.Add(new() { Value = filters.Select(f => f.Language).ToArray() });
        query.Parameters.Add(new() { Value = filters.Select(f => f.Query).ToArray() });
        query.Parameters.Add(new() { Value = groupId });
        query.Parameters.Add(new() { Value = limit });
        var hits = new List<SceneHit>(limit);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add(new SceneHit(reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDouble(3),
                reader.GetDouble(4), reader.GetString(5), reader.GetString(6), reader.GetDouble(7)));
        }
        return hits;
    }

    /// <summary>
    /// The timed segments each scene is made of, in time order, with the lexemes the scene's
    /// language makes of them (CJK text as its character pairs and its other words whole, as scenes are indexed). A scene
    /// stored without its segments counts as one segment.
    /// </summary>
    private async Task<Dictionary<long, (string Language, IReadOnlyList<SegmentTerms> Segments)>> SegmentsAsync(
        long[] sceneIds, CancellationToken cancellationToken)
    {
        await using var query = dataSource.CreateCommand("""
            SELECT s."Id", coalesce(s."Language", ''), (x.e ->> 'start')::float8, (x.e ->> 'end')::float8, x.e ->> 'text',
                   tsvector_to_array(to_tsvector(askvideo_search_config(s."Language"), x.e ->> 'text'))
            FROM scenes AS s,
                 LATERAL jsonb_array_elements(coalesce(s."Segments",
                     jsonb_build_array(jsonb_build_object('start', s."Start", 'end', s."End", 'text', s."Text")))) WITH ORDINALITY AS x(e, i)
            WHERE s."Id" = ANY($1)
            ORDER BY s."Id", x.i
            """);
        query.Parameters.Add(new() { Value = sceneIds });
        var found = new Dictionary<long, (string, List<SegmentTerms>)>();
        await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                if (!found.TryGetValue(id, out var scene))
                {
                    found[id] = scene = (reader.GetString(1), []);
                }
                var text = reader.GetString(4);
                var lexemes = reader.GetFieldValue<string[]>(5);
                // CJK text as its character pairs, plus the other words as the parser reads them whole
                // ("cron.daily", "/usr/local"), as the scene's own search vector holds them.
                IReadOnlyCollection<string> terms = SearchText.HasCjk(text)
                    ? [.. SearchText.BigramTerms(text).Union(lexemes.Where(l => !SearchText.HasCjk(l)), StringComparer.Ordinal)]
                    : lexemes;
                scene.Item2.Add(new SegmentTerms(reader.GetDouble(2), reader.GetDouble(3), text, terms));
            }
        }
        return found.ToDictionary(f => f.Key, f => (f.Value.Item1, (IReadOnlyList<SegmentTerms>)f.Value.Item2));
    }

    /// <summary>
    /// For each of the scenes whose segments <paramref name="model"/> embedded, each segment's cosine
    /// similarity to the question's <paramref name="vector"/>, by the segment's position.
    /// </summary>
    private async Task<Dictionary<long, Dictionary<int, double>>> SegmentSimilaritiesAsync(
        long[] sceneIds, Vector vector, string model, CancellationToken cancellationToken)
    {
        // A segment's vector is stored without the zeros it ends with, in half precision: its dot
        // product with as much of the question's vector, over both full lengths, is the cosine.
        await using var query = dataSource.CreateCommand("""
            SELECT s."Id", g."Ordinal",
                   (-(g."Embedding" <#> subvector($2, 1, vector_dims(g."Embedding"))::halfvec) / nullif(l2_norm(g."Embedding") * $4, 0))::float8
            FROM scenes AS s
            CROSS JOIN LATERAL (
                SELECT e."Ordinal", e."Embedding" FROM scene_segment_embeddings AS e WHERE e."SceneId" = s."Id") AS g
            WHERE s."Id" = ANY($1) AND s."EmbeddingModel" = $3
            """);
        query.Parameters.Add(new() { Value = sceneIds });
        query.Parameters.Add(new() { Value = vector });
        query.Parameters.Add(new() { Value = model });
        query.Parameters.Add(new() { Value = Math.Sqrt(vector.ToArray().Sum(v => (double)v * v)) });
        var found = new Dictionary<long, Dictionary<int, double>>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            if (!found.TryGetValue(id, out var scene))
            {
                found[id] = scene = [];
            }
            if (!reader.IsDBNull(2))
            {
                scene[reader.GetInt32(1)] = reader.GetDouble(2);
            }
        }
        return found;
    }

    /// <summary>
    /// Scenes nearest to <paramref name="vector"/> by cosine distance, among those embedded by
    /// <paramref name="model"/>. For a large group the HNSW index is scanned iteratively (pgvector
    /// 0.8), so the group filter cannot starve the result; for a small one the planner reads the
    /// group's scenes by video and sorts them exactly.
    /// </summary>
    public async Task<IReadOnlyList<SceneHit>> VectorAsync(int groupId, Vector vector, string model, int limit, CancellationToken cancellationToken)
    {
        // Its own connection (not the context's), so that it can run beside the full-text query.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Without enable_seqscan = off the planner prices the index above reading and sorting every
        // scene (measured: 82 ms instead of 2 ms over 12,000 scenes); it still picks the by-video
        // path when the group is small.
        await using (var settings = new NpgsqlCommand(
            "SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = 100; SET LOCAL enable_seqscan = off",
            connection, transaction))
        {
            await settings.ExecuteNonQueryAsync(cancellationToken);
        }
        // relaxed_order may return neighbours slightly out of order: the outer query sorts them.
        await using var query = new NpgsqlCommand("""
            WITH nearest AS MATERIALIZED (
                SELECT s."Id", s."VideoId", s."Index", s."Start", s."End", s."Text", s."Embedding" <=> $1 AS distance
                FROM scenes AS s
                WHERE s."EmbeddingModel" = $2
                  AND s."VideoId" IN (
                      SELECT m."VideoId" FROM video_group_members AS m JOIN videos AS v ON v."Id" = m."VideoId"
                      WHERE m."GroupId" = $3 AND v."Status" = 'Completed')
                ORDER BY s."Embedding" <=> $1
                LIMIT $4
            )
            SELECT n."Id", n."VideoId", n."Index", n."Start", n."End", n."Text", v."Title", (1 - n.distance)::float8
            FROM nearest AS n JOIN videos AS v ON v."Id" = n."VideoId"
            ORDER BY n.distance, n."Id"
            """, connection, transaction)
        {
            Parameters = { new() { Value = vector }, new() { Value = model }, new() { Value = groupId }, new() { Value = limit } },
        };
        var hits = new List<SceneHit>(limit);
        await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                hits.Add(new SceneHit(reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDouble(3),
                    reader.GetDouble(4), reader.GetString(5), reader.GetString(6), reader.GetDouble(7)));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return hits;
    }

    /// <summary>
    /// Reciprocal-rank fusion: a scene scores Σ 1/(k + rank) over the rankings it appears in, so
    /// a scene both rankings like beats one that tops only one of them.
    /// </summary>
    public static IReadOnlyList<SceneHit> Fuse(params IReadOnlyList<SceneHit>[] rankings)
    {
        var nonEmpty = rankings.Where(r => r.Count > 0).ToList();
        if (nonEmpty.Count <= 1)
        {
            return nonEmpty.Count == 1 ? nonEmpty[0] : [];
        }
        var scores = new Dictionary<long, (SceneHit Hit, double Score)>();
        foreach (var ranking in nonEmpty)
        {
            for (var i = 0; i < ranking.Count; i++)
            {
                var hit = ranking[i];
                var score = 1.0 / (RrfK + i + 1);
                scores[hit.Id] = scores.TryGetValue(hit.Id, out var seen) ? (seen.Hit, seen.Score + score) : (hit, score);
            }
        }
        return [.. scores.Values.OrderByDescending(s => s.Score).ThenBy(s => s.Hit.Id).Select(s => s.Hit with { Rank = s.Score })];
    }

    /// <summary>
    /// The best <paramref name="topK"/> hits, at most ceil(k/2) per video, adjacent scenes merged
    /// (their moment and moments chosen by <paramref name="moments"/>), best first.
    /// </summary>
    public static IReadOnlyList<Passage> Spread(
        IReadOnlyList<SceneHit> ranked, int topK,
        Func<IReadOnlyList<SceneHit>, (IReadOnlyList<Moment> Found, IReadOnlyList<Moment> All, double? Similarity)> moments)
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
                    passages.Add(Merge(run, moments));
                    run = [];
                }
                run.Add(hit);
            }
            passages.Add(Merge(run, moments));
        }
        return [.. passages.OrderByDescending(p => p.Rank).ThenBy(p => p.VideoId).ThenBy(p => p.Start)];
    }

    private static Passage Merge(List<SceneHit> run, Func<IReadOnlyList<SceneHit>, (IReadOnlyList<Moment> Found, IReadOnlyList<Moment> All, double? Similarity)> moments)
    {
        var (found, all, similarity) = moments(run);
        return new(run[0].VideoId, run[0].Title, run[0].Start, run[^1].End, string.Join(' ', run.Select(h => h.Text)),
            run.Max(h => h.Rank), found, all, similarity);
    }
}
