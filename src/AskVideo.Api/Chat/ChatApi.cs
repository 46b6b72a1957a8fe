using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using AskVideo.Api.Groups;
using AskVideo.Api.Infrastructure;
using AskVideo.Api.Media;
using AskVideo.Api.Videos;
using AskVideo.Core.Chat;
using AskVideo.Core.Data;
using AskVideo.Core.Videos;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AskVideo.Api.Chat;

/// <summary>
/// /api/chat: questions about a group's videos, answered from their transcripts with citations
/// that point at the moment in the video. The owner of the group only (anyone else's group is a
/// 404). Without a language model the answer is extractive: the best passages with their times.
/// </summary>
public static partial class ChatApi
{
    public static RouteGroupBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        var chat = app.MapGroup("/api/chat").WithTags("Chat");

        // Handlers answer 404 with a ProblemDetails whose status the result type does not carry.
        chat.MapPost("/", Ask).Validated().ProducesProblem(StatusCodes.Status404NotFound);
        chat.MapChatHistory();

        return chat;
    }

    /// <summary>POST /api/chat/: answers the latest user message from the group's transcripts.</summary>
    internal static async Task<Results<Ok<ChatResponse>, ValidationProblem, ProblemHttpResult>> Ask(
        ChatRequest request, ClaimsPrincipal principal, AppDbContext db, MediaUrls urls, IOptions<ChatOptions> options,
        IOptions<JsonOptions> json, TimeProvider clock, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (request.Messages!.Any(m => m?.Content?.Length > limits.MaxMessageChars))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["messages"] = [$"A message may hold at most {limits.MaxMessageChars} characters."] },
                title: "Some fields are not valid.");
        }
        var groupId = request.GroupId!.Value;
        if (!await db.VideoGroups.OwnedBy(principal.UserId()).AnyAsync(g => g.Id == groupId, cancellationToken))
        {
            return GroupNotFound();
        }

        var question = request.Question;
        string content;
        IReadOnlyList<ChatCitation> citations = [];
        var indexed = await db.VideoGroupMembers
            .AnyAsync(m => m.GroupId == groupId && m.Video.Status == VideoStatus.Completed, cancellationToken);
        if (!indexed)
        {
            content = "Nothing in this group is indexed yet: none of its videos has finished transcription. "
                + "Ask again once a video is completed.";
        }
        else
        {
            var passages = await db.SearchAsync(groupId, question, limits.TopK, cancellationToken);
            if (passages.Count == 0)
            {
                content = "The transcripts of this group's videos do not cover this question.";
            }
            else
            {
                citations = [.. passages.Select((p, i) => new ChatCitation(
                    i + 1, p.VideoId, p.Title, p.Start, p.End, p.Text, $"{urls.For(p.VideoId)}#t={Seconds(p.Start)}"))];
                content = Extractive(citations);
            }
        }

        var log = new ChatLog
        {
            GroupId = groupId,
            Question = question,
            Answer = content,
            Mode = ChatModes.Extractive,
            CitationsJson = JsonSerializer.Serialize(citations, json.Value.SerializerOptions),
            CreatedAt = clock.GetUtcNow(),
        };
        db.ChatLogs.Add(log);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new ChatResponse(ChatRoles.Assistant, content, citations, log.Id, ChatModes.Extractive));
    }

    /// <summary>The passages as a person reads them: number, video, time span and what was said.</summary>
    private static string Extractive(IReadOnlyList<ChatCitation> citations)
    {
        var text = new StringBuilder("Here is what the videos say about this:");
        foreach (var c in citations)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n\n\"{c.Quote}\" [{c.N}]\n— {c.Title}, {Clock(c.Start)}–{Clock(c.End)}");
        }
        return text.ToString();
    }

    /// <summary>mm:ss, or h:mm:ss past an hour.</summary>
    internal static string Clock(double seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Max(0, Math.Floor(seconds)));
        return time.TotalHours >= 1
            ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : time.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
    }

    private static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static ProblemHttpResult GroupNotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Group not found.", detail: "You have no group with this id.");
}
