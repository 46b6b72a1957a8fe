using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using AskVideo.Api.Groups;
using AskVideo.Api.Infrastructure;
using AskVideo.Api.Videos;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;

namespace AskVideo.Api.Chat;

/// <summary>/api/chat/history: the questions asked about a group and the answers given.</summary>
public static partial class ChatApi
{
    private static void MapChatHistory(this RouteGroupBuilder chat)
    {
        chat.MapGet("/history/", History).Validated().ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>GET /api/chat/history/?group_id=: the group's questions and answers, newest first, a page at a time.</summary>
    internal static async Task<Results<Ok<ChatHistoryResponse>, ValidationProblem, ProblemHttpResult>> History(
        [AsParameters] ChatHistoryQuery query, ClaimsPrincipal principal, AppDbContext db, HttpRequest request,
        CancellationToken cancellationToken)
    {
        var groupId = query.GroupIdValue;
        if (!await db.VideoGroups.OwnedBy(principal.UserId()).AnyAsync(g => g.Id == groupId, cancellationToken))
        {
            return GroupNotFound();
        }
        var logs = db.ChatLogs.AsNoTracking().Where(l => l.GroupId == groupId);
        var count = await logs.CountAsync(cancellationToken);
        var (limit, offset) = (query.LimitValue, query.OffsetValue);
        var page = await logs.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id)
            .Skip(offset).Take(limit).ToListAsync(cancellationToken);

        return TypedResults.Ok(new ChatHistoryResponse(
            count,
            offset + limit < count ? PageLink(request, limit, offset + limit) : null,
            offset > 0 ? PageLink(request, limit, Math.Max(0, offset - limit)) : null,
            [.. page.Select(l => new ChatLogResponse(
                l.Id, l.Question, l.Answer, l.Mode, JsonDocument.Parse(l.CitationsJson).RootElement.Clone(), l.CreatedAt))]));
    }

    /// <summary>The same query with another page, as an absolute URL.</summary>
    private static string PageLink(HttpRequest request, int limit, int offset)
    {
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value, StringComparer.OrdinalIgnoreCase);
        query["limit"] = new StringValues(limit.ToString(CultureInfo.InvariantCulture));
        query["offset"] = new StringValues(offset.ToString(CultureInfo.InvariantCulture));
        return UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, QueryString.Create(query));
    }
}
