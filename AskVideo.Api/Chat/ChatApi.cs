using System.Globalization;
using System.Net.ServerSentEvents;
using System.Security.Claims;
using AskVideo.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AskVideo.Api.Chat;

/// <summary>
/// /api/chat: questions about a group's videos, answered from their transcripts with citations
/// that point at the moment in the video. The group's owner asks with an access token, a guest
/// with the group's share token (<c>?share_token=</c>); anyone else's group is a 404.
/// </summary>
public static partial class ChatApi
{
    public static RouteGroupBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        var chat = app.MapGroup("/api/chat").WithTags("Chat");

        // Guests hold no access token: the handler checks the share token (or the owner) itself.
        chat.MapPost("/", Ask).AllowAnonymous().Validated().RequireRateLimiting(ChatRateLimits.AskPolicy)
            .Produces<ChatResponse>(StatusCodes.Status200OK, "application/json", "text/event-stream")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        chat.MapChatHistory();

        return chat;
    }

    /// <summary>
    /// POST /api/chat/: answers the latest user message from the group's transcripts, as JSON, or as
    /// server-sent events with <c>stream: true</c> or <c>Accept: text/event-stream</c>.
    /// </summary>
    internal static async Task<Results<Ok<ChatResponse>, ServerSentEventsResult<object>, ValidationProblem, ProblemHttpResult>> Ask(
        ChatRequest request, [FromQuery(Name = "share_token")] string? shareToken, ClaimsPrincipal principal,
        ChatAnswers answers, AnswerQuota quota, Core.Data.AppDbContext db, IOptions<ChatOptions> options, HttpRequest http,
        CancellationToken cancellationToken)
    {
        if (Limits(request, options.Value) is { } invalid)
        {
            return invalid;
        }
        if (ChatAccess.IsAnonymous(principal, shareToken))
        {
            return ChatAccess.Unauthorized();
        }
        var caller = await ChatAccess.ResolveAsync(db, principal, request.GroupId!.Value, shareToken, cancellationToken);
        if (caller is null)
        {
            return ChatAccess.GroupNotFound();
        }
        if (await quota.CheckAsync(caller.OwnerId, cancellationToken) is { } exhausted)
        {
            return exhausted;
        }

        var retrieved = await answers.RetrieveAsync(caller, request, cancellationToken);
        if (request.Stream == true || http.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true))
        {
            return TypedResults.ServerSentEvents(answers.StreamAsync(caller, request, retrieved, cancellationToken));
        }
        try
        {
            return TypedResults.Ok(await answers.AnswerAsync(caller, request, retrieved, cancellationToken));
        }
        catch (ChatModelException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The chat model failed.", detail: ex.Message);
        }
    }

    /// <summary>The configurable size limits of a request.</summary>
    private static ValidationProblem? Limits(ChatRequest request, ChatOptions limits)
    {
        var errors = new Validation.Errors()
            .Check("messages", request.Messages!.Length <= limits.MaxMessages, $"Send at most {limits.MaxMessages} messages.")
            .Check("messages", request.Messages.All(m => m?.Content is null || m.Content.Length <= limits.MaxMessageChars),
                $"A message may hold at most {limits.MaxMessageChars} characters.")
            .ToDictionary();
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors, title: "Some fields are not valid.") : null;
    }

    /// <summary>mm:ss, or h:mm:ss past an hour.</summary>
    internal static string Clock(double seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Max(0, Math.Floor(seconds)));
        return time.TotalHours >= 1
            ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : time.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
    }
}
