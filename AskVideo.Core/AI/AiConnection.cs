using System.ClientModel;
using System.ClientModel.Primitives;
using System.Data.Common;
using Microsoft.Extensions.Configuration;
using OpenAI;

namespace AskVideo.Core.AI;

/// <summary>
/// An OpenAI-compatible service named by an Aspire-style connection string,
/// <c>Endpoint=https://host/v1;Key=...;Model=...</c> (<c>ConnectionStrings:transcription</c>,
/// <c>chat</c> or <c>embeddings</c>).
/// </summary>
public sealed record AiConnection(string Name, Uri Endpoint, string Key, string Model)
{
    public static AiConnection Parse(string name, string connectionString, string defaultModel)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Get(string key) => builder.TryGetValue(key, out var value) ? value?.ToString() : null;

        var endpoint = Get("Endpoint");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{name} needs Endpoint=http(s)://host/v1 (got '{endpoint}').");
        }
        // Self-hosted servers often need no key; the SDK insists on one.
        var key = Get("Key") is { Length: > 0 } given ? given : "unused";
        var model = Get("Model") is { Length: > 0 } named ? named : defaultModel;
        return new AiConnection(name, uri, key, model);
    }

    /// <summary>The configured connection, or null when <c>ConnectionStrings:{name}</c> is empty.</summary>
    public static AiConnection? FromConfiguration(IConfiguration configuration, string name, string defaultModel) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value ? Parse(name, value, defaultModel) : null;

    /// <summary>
    /// The SDK client. Retries are the caller's decision: the transcription pipeline retries one
    /// piece alone, and a person waiting on a chat answer is better served by a clear error.
    /// </summary>
    public OpenAIClient CreateClient(TimeSpan requestTimeout, int maxRetries = 0) => new(
        new ApiKeyCredential(Key),
        new OpenAIClientOptions
        {
            Endpoint = Endpoint,
            NetworkTimeout = requestTimeout,
            RetryPolicy = new ClientRetryPolicy(maxRetries),
        });
}
