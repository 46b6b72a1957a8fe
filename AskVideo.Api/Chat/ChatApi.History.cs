using System.Buffers;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using AskVideo.Api.Groups;
using AskVideo.Api.Infrastructure;
using AskVideo.Core.Chat;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Api.Chat;

/// <summary>
/// /api/chat/history and /api/chat/feedback: the questions asked about a group and the answers
/// given. History is the owner's alone (a share token opens none of it); an answer may be rated by
/// the owner, or by a guest holding the share token of the group it was asked in.
/// </summary>
public static partial class ChatApi
{
    private static void MapChatHistory(this RouteGroupBuilder chat)
    {
        chat.MapGet("/history/", History).Validated().ProducesProblem(StatusCodes.Status404NotFound);
        chat.MapGet("/history/export/", ExportHistory).Validated()
            .Produces(StatusCodes.Status200OK, contentType: CsvContentType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        chat.MapDelete("/history/", DeleteHistory).Validated().ProducesProblem(StatusCodes.Status404NotFound);

        // Guests hold no access token: the handler checks the share token (or the owner) itself.
        chat.MapPost("/feedback/", Feedback).AllowAnonymous().Validated()
            .RequireRateLimiting(ChatRateLimits.FeedbackPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    /// <summary>GET /api/chat/history/?group_id=: the group's questions and answers, newest first, a page at a time.</summary>
    internal static async Task<Results<Ok<ChatHistoryResponse>, ValidationProblem, ProblemHttpResult>> History(
        [AsParameters] ChatHistoryQuery query, ClaimsPrincipal principal, AppDbContext db, HttpRequest request,
        CancellationToken cancellationToken)
    {
        var groupId = query.GroupIdValue;
        if (!await db.VideoGroups.OwnedBy(principal.UserId()).AnyAsync(g => g.Id == groupId, cancellationToken))
        {
            return ChatAccess.GroupNotFound();
        }
        var logs = db.ChatLogs.AsNoTracking().Where(l => l.GroupId == groupId);
        var count = await logs.CountAsync(cancellationToken);
        var (limit, offset) = (query.LimitValue, query.OffsetValue);
        var page = await logs.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id)
            .Skip(offset).Take(limit).ToListAsync(cancellationToken);

        var (next, previous) = Paging.Links(request, count, limit, offset);
        return TypedResults.Ok(new ChatHistoryResponse(
            count,
            next,
            previous,
            [.. page.Select(l => new ChatLogResponse(
                l.Id, l.Question, l.Answer, l.Mode, JsonDocument.Parse(l.CitationsJson).RootElement.Clone(),
                l.Feedback, l.IsSharedOrigin, l.CreatedAt))]));
    }

    /// <summary>
    /// GET /api/chat/history/export/?group_id=: the whole history as CSV (RFC 4180), newest first,
    /// written row by row as the database returns them, so a long history is never held in memory.
    /// </summary>
    internal static async Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> ExportHistory(
        [AsParameters] ChatGroupQuery query, ClaimsPrincipal principal, AppDbContext db, CancellationToken cancellationToken)
    {
        var groupId = query.GroupIdValue;
        if (!await db.VideoGroups.OwnedBy(principal.UserId()).AnyAsync(g => g.Id == groupId, cancellationToken))
        {
            return ChatAccess.GroupNotFound();
        }
        var rows = db.ChatLogs.AsNoTracking().Where(l => l.GroupId == groupId)
            .OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id)
            .Select(l => new { l.CreatedAt, l.Question, l.Answer, l.CitationsJson, l.Feedback, l.IsSharedOrigin })
            .AsAsyncEnumerable();

        return TypedResults.Stream(async body =>
        {
            // Only asynchronous writes: the response body refuses synchronous I/O.
            await using var csv = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 16 * 1024, leaveOpen: true);
            await csv.WriteAsync("created_at,question,answer,citations,feedback,is_shared_origin\r\n");
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                await csv.WriteAsync(CsvRow(
                    row.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                    row.Question, row.Answer, CitationsText(row.CitationsJson), row.Feedback ?? "",
                    row.IsSharedOrigin ? "true" : "false"));
            }
            await csv.FlushAsync(cancellationToken);
        }, CsvContentType, $"chat-history-group-{groupId.ToString(CultureInfo.InvariantCulture)}.csv");
    }

    /// <summary>DELETE /api/chat/history/?group_id=: forgets the group's exchanges. The month's answer count stays.</summary>
    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteHistory(
        [AsParameters] ChatGroupQuery query, ClaimsPrincipal principal, AppDbContext db, CancellationToken cancellationToken)
    {
        var groupId = query.GroupIdValue;
        if (!await db.VideoGroups.OwnedBy(principal.UserId()).AnyAsync(g => g.Id == groupId, cancellationToken))
        {
            return ChatAccess.GroupNotFound();
        }
        await db.ChatLogs.Where(l => l.GroupId == groupId).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// POST /api/chat/feedback/: rates an answer "good" or "bad", or clears the rating (null). The
    /// owner may rate any answer of their groups; a guest only the answers given to guests
    /// (<see cref="ChatLog.IsSharedOrigin"/>) in the group their share token opens. Any other log is
    /// a 404. The answer names the log and its rating only, so a guest reads nobody's question.
    /// </summary>
    internal static async Task<Results<Ok<ChatFeedbackResponse>, ValidationProblem, ProblemHttpResult>> Feedback(
        ChatFeedbackRequest request, [FromQuery(Name = "share_token")] string? shareToken, ClaimsPrincipal principal,
        AppDbContext db, CancellationToken cancellationToken)
    {
        if (ChatAccess.IsAnonymous(principal, shareToken))
        {
            return ChatAccess.Unauthorized();
        }
        var log = await db.ChatLogs.SingleOrDefaultAsync(l => l.Id == request.ChatLogId, cancellationToken);
        if (log is null)
        {
            return ChatLogNotFound();
        }
        var caller = await ChatAccess.ResolveAsync(db, principal, log.GroupId, shareToken, cancellationToken);
        if (caller is null || (caller.IsGuest && !log.IsSharedOrigin))
        {
            return ChatLogNotFound();
        }
        log.Feedback = request.Value;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new ChatFeedbackResponse(log.Id, log.Feedback));
    }

    private const string CsvContentType = "text/csv; charset=utf-8";

    private static readonly SearchValues<char> s_csvQuoted = SearchValues.Create(",\"\r\n");

    /// <summary>One CSV record: cells neutralised against formulas, quoted where RFC 4180 asks, CRLF-terminated.</summary>
    internal static string CsvRow(params ReadOnlySpan<string> cells)
    {
        var row = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                row.Append(',');
            }
            row.Append(CsvCell(cells[i]));
        }
        return row.Append("\r\n").ToString();
    }

    /// <summary>
    /// A cell a spreadsheet shows as text: a leading = + - @ tab or CR would start a formula
    /// (OWASP "CSV injection"), so such a cell gets a leading apostrophe; a cell holding a comma,
    /// quote, CR or LF is quoted with its quotes doubled.
    /// </summary>
    internal static string CsvCell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.AsSpan().ContainsAny(s_csvQuoted) ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    /// <summary>The stored citations as one line: "[1] Title 01:05-01:20; [2] ...".</summary>
    private static string CitationsText(string citationsJson)
    {
        using var citations = JsonDocument.Parse(citationsJson);
        if (citations.RootElement.ValueKind != JsonValueKind.Array)
        {
            return "";
        }
        return string.Join("; ", citations.RootElement.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).Select(c =>
            string.Create(CultureInfo.InvariantCulture,
                $"[{Number(c, "n")}] {Text(c, "title")} {Clock(Number(c, "start"))}-{Clock(Number(c, "end"))}")));

        static double Number(JsonElement citation, string name) =>
            citation.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

        static string Text(JsonElement citation, string name) =>
            citation.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
    }

    private static ProblemHttpResult ChatLogNotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Chat log not found.",
        detail: "There is no answer with this id in a group that you own or hold a share link for.");

}
