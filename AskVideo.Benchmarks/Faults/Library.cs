using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace AskVideo.Benchmarks.Faults;

/// <summary>One request as a client saw it: when it started and ended (seconds on the scenario's clock) and its status (0: no answer).</summary>
internal sealed record Sample(string Operation, double Start, double End, int Status, string? Error)
{
    public double Milliseconds => (End - Start) * 1000;
}

/// <summary>What PostgreSQL holds for one video: its status, its jobs and its segments.</summary>
internal sealed record VideoLedger(int VideoId, string Status, int Jobs, int Succeeded, int MaxAttempts, string? Owners, int Segments, int Duplicates)
{
    /// <summary>Completed once: one job that succeeded, one set of the engine's segments (no repeats).</summary>
    public bool CompletedOnce(int segmentsPerSet) =>
        Status == "Completed" && Jobs == 1 && Succeeded == 1 && Segments == segmentsPerSet && Duplicates == 0;
}

/// <summary>What the scenarios do through the Api, and what they read from the database to check it.</summary>
internal static class Library
{
    public static async Task<Sample> TimeAsync(string operation, Stopwatch clock, TimeSpan timeout, Func<CancellationToken, Task<HttpResponseMessage>> send)
    {
        var start = clock.Elapsed.TotalSeconds;
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var response = await send(cancel.Token);
            // The whole body: a stream that breaks half-way is a failure too.
            await response.Content.CopyToAsync(Stream.Null, cancel.Token);
            return new Sample(operation, start, clock.Elapsed.TotalSeconds, (int)response.StatusCode, null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return new Sample(operation, start, clock.Elapsed.TotalSeconds, 0, cancel.IsCancellationRequested ? "timeout" : e.GetType().Name);
        }
    }

    public static Task<HttpResponseMessage> UploadAsync(HttpClient http, string file, string title, CancellationToken cancellationToken)
    {
        var content = new MultipartFormDataContent();
        var fileContent = new StreamContent(File.OpenRead(file));
        fileContent.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        content.Add(new StringContent(title), "title");
        content.Add(fileContent, "file", "clip.wav");
        return SendDisposingAsync(http, new HttpRequestMessage(HttpMethod.Post, "/api/videos/") { Content = content }, cancellationToken);
    }

    public static Task<HttpResponseMessage> AskAsync(HttpClient http, int groupId, string question, CancellationToken cancellationToken) =>
        http.PostAsJsonAsync("/api/chat/", new { group_id = groupId, messages = new[] { new { role = "user", content = question } } }, cancellationToken);

    public static Task<HttpResponseMessage> RangeAsync(HttpClient http, string mediaUrl, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, mediaUrl);
        request.Headers.Range = new RangeHeaderValue(1000, 8999);
        return SendDisposingAsync(http, request, cancellationToken);
    }

    private static async Task<HttpResponseMessage> SendDisposingAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await http.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Uploads and returns the new video's id (throws on anything but 201).</summary>
    public static async Task<int> UploadOkAsync(HttpClient http, string file, string title, CancellationToken cancellationToken)
    {
        using var response = await UploadAsync(http, file, title, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"upload answered {(int)response.StatusCode}: {body}");
        }
        return JsonNode.Parse(body)!["id"]!.GetValue<int>();
    }

    /// <summary>A group holding <paramref name="videoIds"/>; its id.</summary>
    public static async Task<int> GroupOfAsync(HttpClient http, IEnumerable<int> videoIds, CancellationToken cancellationToken)
    {
        var created = await http.PostAsJsonAsync("/api/videos/groups/", new { name = "Lectures" }, cancellationToken);
        var id = JsonNode.Parse(await created.EnsureSuccessStatusCode().Content.ReadAsStringAsync(cancellationToken))!["id"]!.GetValue<int>();
        (await http.PostAsJsonAsync($"/api/videos/groups/{id}/videos/", new { video_ids = videoIds.ToArray() }, cancellationToken)).EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>The signed media URL of a video, as its detail answer gives it.</summary>
    public static async Task<string> MediaUrlAsync(HttpClient http, int videoId, CancellationToken cancellationToken)
    {
        var detail = JsonNode.Parse(await http.GetStringAsync($"/api/videos/{videoId}/", cancellationToken))!;
        return detail["media_url"]!.GetValue<string>();
    }

    public static async Task<IReadOnlyList<VideoLedger>> LedgerAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT v."Id", v."Status",
                   (SELECT COUNT(*) FROM jobs j WHERE j."VideoId" = v."Id")::int,
                   (SELECT COUNT(*) FROM jobs j WHERE j."VideoId" = v."Id" AND j."Status" = 'Succeeded')::int,
                   (SELECT COALESCE(MAX(j."Attempts"), 0) FROM jobs j WHERE j."VideoId" = v."Id"),
                   (SELECT string_agg(j."LeaseOwner", ',') FROM jobs j WHERE j."VideoId" = v."Id"),
                   (SELECT COUNT(*) FROM transcript_segments s WHERE s."VideoId" = v."Id")::int,
                   (SELECT COUNT(*) - COUNT(DISTINCT (s."Start", s."Text")) FROM transcript_segments s WHERE s."VideoId" = v."Id")::int
            FROM videos v ORDER BY v."Id"
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var videos = new List<VideoLedger>();
        while (await reader.ReadAsync(cancellationToken))
        {
            videos.Add(new VideoLedger(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt32(6), reader.GetInt32(7)));
        }
        return videos;
    }

    /// <summary>Waits until every one of <paramref name="videoIds"/> is completed or in error (or the time is up) and returns their ledger.</summary>
    public static async Task<(IReadOnlyList<VideoLedger> Videos, TimeSpan Waited)> SettledAsync(
        string database, IReadOnlyCollection<int> videoIds, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            IReadOnlyList<VideoLedger> videos;
            try
            {
                videos = [.. (await LedgerAsync(database, cancellationToken)).Where(v => videoIds.Contains(v.VideoId))];
            }
            catch (NpgsqlException) when (waited.Elapsed < timeout)
            {
                await Task.Delay(500, cancellationToken);
                continue;
            }
            if ((videos.Count == videoIds.Count && videos.All(v => v.Status is "Completed" or "Error")) || waited.Elapsed > timeout)
            {
                return (videos, waited.Elapsed);
            }
            await Task.Delay(250, cancellationToken);
        }
    }

    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
