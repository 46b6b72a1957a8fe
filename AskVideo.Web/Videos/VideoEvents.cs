using System.Net.ServerSentEvents;
using System.Text.Json;
using AskVideo.Web.Infrastructure;

namespace AskVideo.Web.Videos;

/// <summary>Follows a video's status through the Api's Server-Sent Events, on the server side of a page.</summary>
public static class VideoEvents
{
    public static async IAsyncEnumerable<VideoStatusEvent> WatchAsync(ApiClient api, int videoId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/videos/{videoId}/events/");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            yield break;
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            if (JsonSerializer.Deserialize<VideoStatusEvent>(item.Data, ApiClient.Json) is { } status)
            {
                yield return status;
            }
        }
    }
}
