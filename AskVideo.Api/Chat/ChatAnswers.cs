using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AskVideo.Core.Chat;
using AskVideo.Core.Data;
using AskVideo.Core.Search;
using AskVideo.Core.Videos;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using AiChatOptions = Microsoft.Extensions.AI.ChatOptions;
using Telemetry = AskVideo.ServiceDefaults.Telemetry;

namespace AskVideo.Api.Chat;

/// <summary>A retrieved passage as a model reads it: its video and times, and its moments numbered for citing.</summary>
public sealed record NumberedPassage(int VideoId, string Title, double Start, double End, IReadOnlyList<ChatCitation> Moments);

/// <summary>What retrieval found for a question, before any answer is written.</summary>
/// <param name="Passages">What a model reads: every retrieved passage, its moments numbered from 1 across passages.</param>
/// <param name="Best">What an extractive answer quotes: the best moment of each passage that holds enough evidence, numbered from 1.</param>
/// <param name="FixedAnswer">An answer that needs no model: nothing is indexed yet, or the videos do not cover the question.</param>
public sealed record Retrieved(
    string Question, string SearchQuery, IReadOnlyList<NumberedPassage> Passages, IReadOnlyList<ChatCitation> Best, string? FixedAnswer)
{
    public IEnumerable<ChatCitation> Moments => Passages.SelectMany(p => p.Moments);
}

/// <summary>The chat model failed; the exchange is neither stored nor counted.</summary>
public sealed class ChatModelException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Answers a question about a group: retrieval (after rewriting a follow-up into a standalone
/// query when a model is configured), then either the model's answer from the passages or, with
/// no model, the passages themselves; then the exchange is stored and counted.
/// </summary>
public sealed class ChatAnswers(
    AppDbContext db, SceneSearch search, MediaUrls urls, AnswerQuota quota, IOptions<ChatOptions> options,
    IOptions<JsonOptions> json, TimeProvider clock, ILogger<ChatAnswers> logger, IServiceProvider services)
{
    public const string NothingIndexed = "Nothing in this group is indexed yet: none of its videos has finished transcription. "
        + "Ask again once a video is completed.";
    public const string NotCovered = "The transcripts of this group's videos do not cover this question.";

    private readonly IChatClient? _model = services.GetService<IChatClient>();

    private ChatOptions Settings => options.Value;

    public async Task<Retrieved> RetrieveAsync(ChatCaller caller, ChatRequest request, CancellationToken cancellationToken)
    {
        var question = request.Question;
        var indexed = await db.VideoGroupMembers
            .AnyAsync(m => m.GroupId == caller.GroupId && m.Video.Status == VideoStatus.Completed, cancellationToken);
        if (!indexed)
        {
            return new Retrieved(question, question, [], [], NothingIndexed);
        }
        var earlier = request.Earlier(Settings.HistoryMessages);
        var query = earlier.Count > 0 && _model is not null ? await RewriteAsync(earlier, question, cancellationToken) : question;
        var passages = await search.SearchAsync(caller.GroupId, query, Settings.TopK, cancellationToken);

        // Weak evidence everywhere: the videos do not cover the question, and no model is asked. With
        // embeddings, the best words found and the closest meaning found are weighed together: words
        // alone let through questions that share a few common words with the videos, and meaning
        // alone those on a neighbouring topic.
        var threshold = SearchText.HasCjk(query) ? Settings.MinEvidenceCjk : Settings.MinEvidence;
        var words = passages.Count > 0 ? passages.Max(p => p.Evidence) : 0;
        var covered = passages.Max(p => p.Similarity) is { } meaning
            ? words + meaning >= Settings.MinSimilarity
            : words >= threshold;
        Activity.Current?.SetTag("askvideo.chat.covered", covered);
        if (!covered)
        {
            return new Retrieved(question, query, [], [], NotCovered);
        }
        // The passages that carry it: enough words, or enough words and meaning, or else the first.
        bool Covers(Passage passage) =>
            passage.Evidence >= threshold || passage.Evidence + passage.Similarity >= Settings.MinSimilarity || passage == passages[0];
        // Once the question is covered, weaker moments that still hold some of it are cited after the
        // best, each ranked as its passage less what it holds less than the passage's best moment.
        IReadOnlyList<ChatCitation> best = [.. passages
            .SelectMany(p => p.Found.Where(m => m.Evidence >= threshold / 2 || (m == p.Moment && Covers(p)))
                .Select(m => (Passage: p, Moment: m, Rank: p.Rank - (p.Moment.Score - m.Score))))
            .OrderByDescending(x => x.Rank)
            .Take(Settings.TopK)
            .Select((x, i) => Citation(i + 1, x.Passage, x.Moment))];
        var n = 0;
        IReadOnlyList<NumberedPassage> numbered = [.. passages.Select(p => new NumberedPassage(
            p.VideoId, p.Title, p.Start, p.End, [.. p.Moments.Select(m => Citation(++n, p, m))]))];
        return new Retrieved(question, query, numbered, best, null);
    }

    private ChatCitation Citation(int n, Passage passage, Moment moment) => new(
        n, passage.VideoId, passage.Title, moment.Start, moment.End, moment.Text,
        $"{urls.For(passage.VideoId)}#t={Seconds(moment.Start)}", passage.Start, passage.End);

    /// <summary>The whole answer at once.</summary>
    public async Task<ChatResponse> AnswerAsync(ChatCaller caller, ChatRequest request, Retrieved retrieved, CancellationToken cancellationToken)
    {
        if (retrieved.FixedAnswer is not null || _model is null)
        {
            var (content, quoted) = retrieved.FixedAnswer is { } fixedAnswer ? (fixedAnswer, []) : Extractive(retrieved.Best);
            var logId = await SaveAsync(caller, retrieved, content, quoted, ChatModes.Extractive, null, cancellationToken);
            return new ChatResponse(ChatRoles.Assistant, content, quoted, logId, ChatModes.Extractive);
        }

        Microsoft.Extensions.AI.ChatResponse response;
        try
        {
            response = await _model.GetResponseAsync(Conversation(request, retrieved), ModelOptions(), cancellationToken);
        }
        catch (Exception ex) when (IsModelFailure(ex, cancellationToken))
        {
            throw new ChatModelException(ModelFailureMessage(ex), ex);
        }
        var markers = new CitationMarkers(retrieved.Moments.Count());
        var answer = markers.Clean(response.Text).Trim();
        var cited = Cited(retrieved, markers);
        var id = await SaveAsync(caller, retrieved, answer, cited, ChatModes.Llm, response, cancellationToken);
        return new ChatResponse(ChatRoles.Assistant, answer, cited, id, ChatModes.Llm);
    }

    /// <summary>
    /// The answer as server-sent events: <c>delta</c> {text} as the model writes, then
    /// <c>citations</c>, then <c>done</c> {chat_log_id}; <c>error</c> {code, message} if the model fails.
    /// </summary>
    public async IAsyncEnumerable<SseItem<object>> StreamAsync(
        ChatCaller caller, ChatRequest request, Retrieved retrieved, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (retrieved.FixedAnswer is not null || _model is null)
        {
            var (content, quoted) = retrieved.FixedAnswer is { } fixedAnswer ? (fixedAnswer, []) : Extractive(retrieved.Best);
            // One event per paragraph, so a client renders the extractive answer the way it renders a model's.
            foreach (var paragraph in Paragraphs(content))
            {
                yield return Delta(paragraph);
            }
            var logId = await SaveAsync(caller, retrieved, content, quoted, ChatModes.Extractive, null, cancellationToken);
            yield return Citations(quoted);
            yield return Done(logId, ChatModes.Extractive);
            yield break;
        }

        var markers = new CitationMarkers(retrieved.Moments.Count());
        var answer = new StringBuilder();
        var updates = new List<ChatResponseUpdate>();
        await using var stream = _model.GetStreamingResponseAsync(Conversation(request, retrieved), ModelOptions(), cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        string? failure = null;
        while (true)
        {
            try
            {
                if (!await stream.MoveNextAsync())
                {
                    break;
                }
            }
            catch (Exception ex) when (IsModelFailure(ex, cancellationToken))
            {
                logger.LogWarning(ex, "The chat model failed while streaming an answer.");
                failure = ModelFailureMessage(ex);
                break;
            }
            updates.Add(stream.Current);
            var text = markers.Push(stream.Current.Text);
            if (text.Length > 0)
            {
                // The stored answer is exactly what was streamed.
                if (answer.Length == 0)
                {
                    text = text.TrimStart();
                }
                answer.Append(text);
                yield return Delta(text);
            }
        }
        if (failure is not null)
        {
            yield return new SseItem<object>(new ChatStreamError("model_unavailable", failure), "error");
            yield break;
        }
        var tail = markers.Flush().TrimEnd();
        if (tail.Length > 0)
        {
            answer.Append(tail);
            yield return Delta(tail);
        }
        var cited = Cited(retrieved, markers);
        var id = await SaveAsync(caller, retrieved, answer.ToString(), cited, ChatModes.Llm, updates.ToChatResponse(), cancellationToken);
        yield return Citations(cited);
        yield return Done(id, ChatModes.Llm);
    }

    private async Task<string> RewriteAsync(IReadOnlyList<ChatMessage> earlier, string question, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Source.StartActivity("rewrite_question");
        try
        {
            var response = await _model!.GetResponseAsync(
                ChatPrompt.Rewrite(earlier, question), new AiChatOptions { MaxOutputTokens = 200, Temperature = 0 }, cancellationToken);
            var rewritten = response.Text.Trim().Trim('"').Trim();
            return rewritten.Length is > 0 and <= 2000 ? rewritten : question;
        }
        catch (Exception ex) when (IsModelFailure(ex, cancellationToken))
        {
            // The question as asked still finds passages; the answer step reports a lasting failure.
            logger.LogWarning(ex, "The follow-up question could not be rewritten; searching for it as asked.");
            return question;
        }
    }

    private List<Microsoft.Extensions.AI.ChatMessage> Conversation(ChatRequest request, Retrieved retrieved) =>
        ChatPrompt.Conversation(ChatPrompt.System(retrieved.Passages), request.Earlier(Settings.HistoryMessages), retrieved.Question);

    private AiChatOptions ModelOptions() => new() { MaxOutputTokens = Settings.MaxOutputTokens, Temperature = Settings.Temperature };

    private static IReadOnlyList<ChatCitation> Cited(Retrieved retrieved, CitationMarkers markers) =>
        [.. retrieved.Moments.Where(m => markers.Cited.Contains(m.N))];

    /// <summary>Stores the exchange and counts the answer against the owner's month, in one transaction.</summary>
    private async Task<long> SaveAsync(
        ChatCaller caller, Retrieved retrieved, string answer, IReadOnlyList<ChatCitation> cited, string mode,
        Microsoft.Extensions.AI.ChatResponse? response, CancellationToken cancellationToken)
    {
        var serializer = json.Value.SerializerOptions;
        var log = new ChatLog
        {
            GroupId = caller.GroupId,
            Question = retrieved.Question,
            Answer = answer,
            Mode = mode,
            CitationsJson = JsonSerializer.Serialize(cited, serializer),
            RetrievedJson = JsonSerializer.Serialize(retrieved.Passages, serializer),
            IsSharedOrigin = caller.IsGuest,
            Model = response?.ModelId,
            InputTokens = ToInt(response?.Usage?.InputTokenCount),
            OutputTokens = ToInt(response?.Usage?.OutputTokenCount),
            CreatedAt = clock.GetUtcNow(),
        };
        Activity.Current?.SetTag("askvideo.chat.mode", mode);
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.ChatLogs.Add(log);
            await db.SaveChangesAsync(cancellationToken);
            await quota.RecordAsync(caller.OwnerId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
        return log.Id;
    }

    private static int? ToInt(long? value) => value is { } v ? (int)Math.Min(v, int.MaxValue) : null;

    private static bool IsModelFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    private static string ModelFailureMessage(Exception ex) => ex switch
    {
        System.ClientModel.ClientResultException { Status: 401 or 403 } => "The chat model rejected the configured API key.",
        System.ClientModel.ClientResultException { Status: 429 } => "The chat model is over its rate limit. Try again shortly.",
        System.ClientModel.ClientResultException { Status: > 0 } e => $"The chat model failed (HTTP {e.Status}). Try again shortly.",
        OperationCanceledException or TimeoutException => "The chat model did not answer in time. Try again shortly.",
        _ => "The chat model could not be reached. Try again shortly.",
    };

    /// <summary>The extractive answer and the moments it cites (see <see cref="ExtractiveAnswer"/>).</summary>
    private (string Content, IReadOnlyList<ChatCitation> Cited) Extractive(IReadOnlyList<ChatCitation> best) =>
        ExtractiveAnswer.Write(best, Settings.MaxExtractiveChars);

    private static IEnumerable<string> Paragraphs(string content)
    {
        var parts = content.Split("\n\n");
        for (var i = 0; i < parts.Length; i++)
        {
            yield return i == 0 ? parts[i] : "\n\n" + parts[i];
        }
    }

    private static SseItem<object> Delta(string text) => new(new ChatStreamDelta(text), "delta");

    private static SseItem<object> Citations(IReadOnlyList<ChatCitation> citations) => new(new ChatStreamCitations(citations), "citations");

    private static SseItem<object> Done(long chatLogId, string mode) => new(new ChatStreamDone(chatLogId, mode), "done");

    private static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);
}
