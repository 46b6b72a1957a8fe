using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using AskVideo.Api.Infrastructure;

namespace AskVideo.Api.Videos;

public static partial class VideosApi
{
    /// <summary>
    /// POST /api/videos/: multipart/form-data with <c>file</c> (required), <c>title</c> and
    /// <c>description</c>. 201 with the pending video; 400, 403 (quota), 413, 415 as ProblemDetails.
    /// </summary>
    internal static Task<Results<Created<VideoResponse>, ValidationProblem, ProblemHttpResult>> Upload(
        HttpContext http, ClaimsPrincipal principal, VideoUploads uploads, CancellationToken cancellationToken) =>
        uploads.UploadAsync(http, principal.UserId(), cancellationToken);

    /// <summary>The body is read by hand (streamed), so the document is told what it holds.</summary>
    private static Task DescribeUploadBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "file" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["file"] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.String,
                                Format = "binary",
                                Description = $"The audio or video file. Accepted: {MediaFormats.AcceptedList}.",
                            },
                            ["title"] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.String,
                                MaxLength = VideoRules.TitleMaxLength,
                                Description = "Defaults to the file name without its extension.",
                            },
                            ["description"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = VideoRules.DescriptionMaxLength },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }
}
