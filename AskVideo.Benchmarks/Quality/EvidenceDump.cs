using System.Text.Json;
using AskVideo.Core.Data;
using AskVideo.Core.Search;
using Npgsql;

namespace AskVideo.Benchmarks.Quality;

/// <summary>
/// What retrieval weighed for each ask (<c>--evidence FILE</c>): the question's terms with their
/// scene counts, and the evidence of the top passages' moments, for calibrating when the videos
/// count as covering a question.
/// </summary>
internal static class EvidenceDump
{
    public static async Task WriteAsync(
        string path, IServiceProvider services, string postgres, IReadOnlyList<Ask> asks,
        IReadOnlyDictionary<string, int> groupIds, IReadOnlyDictionary<string, int> videoIds)
    {
        await using var dataSource = DatabaseRegistration.BuildDataSource(postgres);
        var rows = new List<object>();
        foreach (var ask in asks)
        {
            var group = groupIds[ask.Group.Name];
            var terms = await QueryTerms.ReadAsync(dataSource, services.GetRequiredService<Thesaurus>(), group, ask.Question, CancellationToken.None);
            var passages = await RetrievalServices.SearchAsync(services, group, ask.Question, 8);
            rows.Add(new
            {
                id = ask.QuestionId,
                language = ask.Language,
                covered = ask.Covered,
                video = ask.VideoKey is { } key ? videoIds[key] : (int?)null,
                scenes = terms.Scenes,
                terms = terms.Terms.Select(t => new { t.Language, t.Lexeme, t.Scenes, t.Stands }),
                passages = passages.Select(p => new { p.VideoId, p.Rank, p.Moment.Start, p.Moment.End, p.Moment.Evidence, p.Similarity, Meaning = p.Found.Max(m => m.Meaning) }),
            });
        }
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(rows));
    }
}
