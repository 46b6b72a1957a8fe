using System.Net.ServerSentEvents;
using System.Text.Json;
using AskVideo.Web.Infrastructure;

namespace AskVideo.Web.Chat;

/// <summary>Asks the Api with <c>stream: true</c> and applies each Server-Sent Event to the exchange as it arrives.</summary>
public static class ChatStream
{
    public static async Task<ApiProblem?> AskAsync(
        ApiClient api, int groupId, string? shareToken, IReadOnlyList<object> messages, Exchange exchange,
        Func<Task> changed, CancellationToken cancellationToken)
    {
        var path = shareToken is null ? "/api/chat/" : $"/api/chat/?share_token={Uri.EscapeDataString(shareToken)}";
        using var request = ApiClient.CreateRequest(HttpMethod.Post, path, new { group_id = groupId, messages, stream = true });
        request.Headers.Accept.ParseAdd("text/event-stream");
        try
        {
            using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return await ApiProblem.ReadAsync(response, cancellationToken);
            }
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
            {
                Apply(exchange, item.EventType, item.Data);
                await changed();
            }
            return null;
        }
        catch (HttpRequestException)
        {
            return ApiProblem.Unreachable;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ApiProblem.Abandoned;
        }
        finally
        {
            exchange.Done = true;
        }
    }

    private static void Apply(Exchange exchange, string type, string data)
    {
        switch (type)
        {
            case "delta":
                exchange.Answer += JsonSerializer.Deserialize<StreamDelta>(data, ApiClient.Json)?.Text;
                break;
            case "citations":
                exchange.Citations.Clear();
                exchange.Citations.AddRange(JsonSerializer.Deserialize<StreamCitations>(data, ApiClient.Json)?.Citations ?? []);
                break;
            case "done":
                var done = JsonSerializer.Deserialize<StreamDone>(data, ApiClient.Json);
                exchange.ChatLogId = done?.ChatLogId;
                exchange.Mode = done?.Mode;
                break;
            case "error":
                exchange.Error = JsonSerializer.Deserialize<StreamError>(data, ApiClient.Json)?.Message;
                break;
        }
    }
}
