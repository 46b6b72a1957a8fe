using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace AskVideo.Api.Infrastructure;

/// <summary>
/// Turns request binding failures (malformed JSON, a missing body, a wrong content type, a body
/// that is too large) into ProblemDetails that say what is wrong. Anything else is left to the
/// default handler, which answers 500 without details.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        ProblemDetails problem = badRequest.InnerException is JsonException json
            ? DescribeJsonError(json)
            : new ProblemDetails
            {
                Status = badRequest.StatusCode,
                Title = "The request could not be read.",
                Detail = Describe(badRequest),
            };

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static HttpValidationProblemDetails DescribeJsonError(JsonException json)
    {
        // Path looks like "$.username" or "$.video_ids[2]"; "$" alone means the body as a whole.
        var field = json.Path is { Length: > 2 } path ? path[2..] : "body";
        return new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            [field] = [json is UnstorableTextException ? StorableText.Message
                : field == "body" ? "The body is not valid JSON." : "The value is not valid JSON for this field."],
        })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = json is UnstorableTextException ? StorableText.Title : "The request body is not valid JSON.",
        };
    }

    private static string Describe(BadHttpRequestException exception) => exception.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
        _ when exception.Message.Contains("body was not provided", StringComparison.OrdinalIgnoreCase)
            => "A JSON request body is required.",
        _ => exception.Message,
    };
}
