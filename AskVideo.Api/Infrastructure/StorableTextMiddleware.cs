using Microsoft.AspNetCore.Http.HttpResults;

namespace AskVideo.Api.Infrastructure;

/// <summary>
/// The query string and route values of every request, checked once before any endpoint binds
/// them: text that cannot be stored is a 400 naming the parameter. (JSON bodies are checked by
/// <see cref="StorableTextJsonConverter"/>, multipart uploads by their reader.)
/// </summary>
public static class StorableTextMiddleware
{
    public static IApplicationBuilder UseStorableTextCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, values) in context.Request.Query)
        {
            if (!StorableText.IsStorable(key) || values.Any(v => v is not null && !StorableText.IsStorable(v)))
            {
                errors[Printable(key)] = [StorableText.Message];
            }
        }
        foreach (var (key, value) in context.Request.RouteValues)
        {
            if (value is string text && !StorableText.IsStorable(text))
            {
                errors[key] = [StorableText.Message];
            }
        }
        if (errors.Count > 0)
        {
            await TypedResults.ValidationProblem(errors, title: StorableText.Title).ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    /// <summary>A parameter name as the client can read it back: what cannot be stored is shown as U+FFFD.</summary>
    private static string Printable(string key) =>
        StorableText.IsStorable(key) ? key : string.Create(key.Length, key, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] == '\0' || char.IsSurrogate(source[i]) ? '\uFFFD' : source[i];
            }
        });
}
