using System.Text.Json;
using AskVideo.Embeddings.Model;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AskVideo.Embeddings.OpenAi;

public static class EmbeddingsApi
{
    public static WebApplicationBuilder AddEmbeddingsApi(this WebApplicationBuilder builder)
    {
        // OpenAI's wire format is snake_case (encoding_format, prompt_tokens).
        builder.Services.Configure<JsonOptions>(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static RouteGroupBuilder MapEmbeddingsApi(this WebApplication app)
    {
        var group = app.MapGroup("/v1").WithTags("Embeddings");
        group.MapPost("/embeddings", CreateAsync);
        return group;
    }

    /// <summary><c>POST /v1/embeddings</c>: one vector per input text, in order.</summary>
    private static async Task<Results<Ok<EmbeddingList>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext http, TextEncoder encoder, IOptions<EncoderOptions> options, CancellationToken cancellationToken)
    {
        var (body, problem) = await ReadBodyAsync(http, options.Value.MaxRequestBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        using (body)
        {
            var (request, errors) = EmbeddingRequest.Read(body!.RootElement);
            if (request is null)
            {
                return TypedResults.ValidationProblem(errors, title: "The embeddings request is not valid.");
            }
            var encoded = await encoder.EncodeAsync(request.Input, cancellationToken);
            return TypedResults.Ok(EmbeddingList.From(encoded.Vectors, encoded.Tokens, TextEncoder.ModelName, request.Dimensions, request.Base64));
        }
    }

    private static async Task<(JsonDocument? Body, ProblemHttpResult? Problem)> ReadBodyAsync(
        HttpContext http, long maxBytes, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "The body must be JSON.", detail: "Send the request as application/json."));
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }
        try
        {
            return (await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken), null);
        }
        catch (JsonException ex)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: "The body is not valid JSON.", detail: ex.Message));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
    }

    private static ProblemHttpResult TooLarge(long maxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The body is too large.",
        detail: $"A request can carry at most {maxBytes} bytes; send the texts in several requests.");
}
