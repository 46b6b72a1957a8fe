using System.Net;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace AskVideo.Tests.Embeddings;

/// <summary>The local embeddings service answers OpenAI's /v1/embeddings with vectors that carry meaning.</summary>
public sealed class EmbeddingsServiceTests(EmbeddingsServiceFixture service) : IClassFixture<EmbeddingsServiceFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_paraphrase_is_nearer_than_an_unrelated_sentence()
    {
        var vectors = await service.EmbedAsync(
        [
            "The company was founded in 1998 by two students.",
            "Two students established the firm in 1998.",
            "Whisk the eggs with sugar until the mixture is pale.",
        ], Ct);

        var paraphrase = TensorPrimitives.CosineSimilarity(vectors[0], vectors[1]);
        var unrelated = TensorPrimitives.CosineSimilarity(vectors[0], vectors[2]);
        Assert.True(paraphrase > unrelated + 0.3f, $"paraphrase {paraphrase}, unrelated {unrelated}");
    }

    [Fact]
    public async Task A_batch_keeps_the_order_of_its_inputs_whatever_their_lengths()
    {
        string[] texts =
        [
            "A long sentence about rockets, their engines, the fuel they burn and the launch sequence that follows the countdown.",
            "cats",
            "",
            "How do compilers turn loops into machine code?",
        ];

        var together = await service.EmbedAsync(texts, Ct);

        Assert.Equal(texts.Length, together.Length);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = (await service.EmbedAsync([texts[i]], Ct))[0];
            Assert.True(TensorPrimitives.CosineSimilarity(alone, together[i]) > 0.999f, $"input {i} moved");
        }
    }

    [Fact]
    public async Task Requests_at_the_same_time_each_get_their_own_vectors()
    {
        string[] texts =
        [
            "The violin needs new strings before the concert.",
            "Photosynthesis turns sunlight into chemical energy.",
            "The referee showed a red card in the final minute.",
            "Mortgage rates rose again this quarter.",
            "Knead the dough for ten minutes, then let it rest.",
            "The satellite entered orbit around Mars.",
            "Use git rebase to keep a linear history.",
            "The museum opens a new exhibition on Roman coins.",
        ];
        var alone = await service.EmbedAsync(texts, Ct);

        var together = await Task.WhenAll(texts.Select(text => service.EmbedAsync([text, "a second text"], Ct)));

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(alone[i], together[i][0]) > 0.999f, $"request {i} got another text's vector");
        }
    }

    [Fact]
    public async Task Base64_and_float_answers_carry_the_same_unit_vector()
    {
        var text = "The rocket engine burns liquid oxygen and kerosene.";
        var floats = (await service.EmbedAsync([text], Ct))[0];

        using var response = await service.PostAsync(new { input = text, encoding_format = "base64" }, Ct);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var item = Assert.Single(body.RootElement.GetProperty("data").EnumerateArray().ToList());
        var decoded = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(item.GetProperty("embedding").GetString()!)).ToArray();

        Assert.Equal("list", body.RootElement.GetProperty("object").GetString());
        Assert.Equal("embedding", item.GetProperty("object").GetString());
        Assert.Equal(0, item.GetProperty("index").GetInt32());
        Assert.Equal(384, decoded.Length);
        Assert.Equal(floats, decoded);
        Assert.Equal(1.0, TensorPrimitives.Norm(decoded), 3);
        Assert.True(body.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() >= 10);
    }

    [Fact]
    public async Task Padding_to_1536_dimensions_keeps_unit_length_and_the_model_own_values()
    {
        var text = "Padding leaves the cosine as it was.";
        var own = (await service.EmbedAsync([text], Ct))[0];

        var wide = (await service.EmbedAsync([text], Ct, dimensions: 1536))[0];

        Assert.Equal(1536, wide.Length);
        Assert.Equal(own, wide[..384]);
        Assert.All(wide[384..], value => Assert.Equal(0f, value));
        Assert.Equal(1.0, TensorPrimitives.Norm(wide), 3);
    }

    [Fact]
    public async Task Long_and_odd_texts_are_embedded()
    {
        string[] texts =
        [
            string.Join(' ', Enumerable.Repeat("the lecture explains how the compiler works", 3000)),
            "😀🎉🚀",
            "東京は日本の首都です。北京是中国的首都。",
            new string('x', 50_000),
            "   \t\n ",
            "\u0000\u0007 control",
        ];

        var vectors = await service.EmbedAsync(texts, Ct);

        Assert.Equal(texts.Length, vectors.Length);
        Assert.All(vectors, vector => Assert.Equal(1.0, TensorPrimitives.Norm(vector), 3));
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"model":"m"}""", "input" },
        { """{"input":null}""", "input" },
        { """{"input":""}""", "input" },
        { """{"input":[]}""", "input" },
        { """{"input":42}""", "input" },
        { """{"input":["fine", 7]}""", "input[1]" },
        { """{"input":["fine", [101, 102]]}""", "input[1]" },
        { """{"input":["fine", null]}""", "input[1]" },
        { """{"input":["fine", "\ud83d alone"]}""", "input[1]" },
        { """{"input":"\udc00"}""", "input" },
        { """{"input":"x","model":3}""", "model" },
        { """{"input":"x","encoding_format":"int8"}""", "encoding_format" },
        { """{"input":"x","dimensions":100}""", "dimensions" },
        { """{"input":"x","dimensions":5000}""", "dimensions" },
        { """{"input":"x","dimensions":"wide"}""", "dimensions" },
        { """{"input":"x","dimensions":1.5}""", "dimensions" },
        { """["x"]""", "body" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_wrong_field_is_named_in_a_400_problem(string body, string field)
    {
        using var response = await PostRawAsync(body, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        Assert.NotEmpty(messages.EnumerateArray().Single().GetString()!);
    }

    [Fact]
    public async Task More_than_2048_inputs_are_refused_with_400()
    {
        using var response = await service.PostAsync(new { input = Enumerable.Repeat("a", 2049).ToArray() }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Contains("2048", problem.GetProperty("errors").GetProperty("input")[0].GetString());
    }

    [Fact]
    public async Task Malformed_json_is_refused_with_400()
    {
        using var response = await PostRawAsync("""{"input": ["unclosed""", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The body is not valid JSON.", (await ProblemAsync(response)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_with_415()
    {
        using var response = await PostRawAsync("input=hello", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await ProblemAsync(response);
    }

    [Fact]
    public async Task A_body_over_4_MB_is_refused_with_413()
    {
        var huge = $$"""{"input":"{{new string('a', 5 * 1024 * 1024)}}"}""";
        using var content = new StringContent(huge, System.Text.Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = content };
        // The answer comes from the declared length alone, before the client sends a byte of the body.
        request.Headers.ExpectContinue = true;

        using var response = await service.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await ProblemAsync(response);
    }

    [Fact]
    public async Task A_chunked_body_over_4_MB_is_refused_with_413()
    {
        var huge = $$"""{"input":"{{new string('a', 5 * 1024 * 1024)}}"}""";
        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(huge)));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/embeddings") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await service.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await ProblemAsync(response);
    }

    private async Task<HttpResponseMessage> PostRawAsync(string body, string contentType)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, contentType);
        return await service.Http.PostAsync("/v1/embeddings", content, Ct);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal((int)response.StatusCode, body.RootElement.GetProperty("status").GetInt32());
        return body.RootElement.Clone();
    }
}
