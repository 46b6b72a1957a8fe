using System.Numerics.Tensors;
using System.Text.Json;
using AskVideo.Core.AI;
using AskVideo.Core.Search;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.Tests.Embeddings;

/// <summary>
/// The product's own embeddings path (<see cref="SceneEmbedder"/> over the OpenAI SDK, as Api and Worker
/// build it from <c>ConnectionStrings:embeddings</c>) gets its vectors from the local service.
/// </summary>
public sealed class ProductClientTests(EmbeddingsServiceFixture service) : IClassFixture<EmbeddingsServiceFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServiceProvider Services(int? dimensions = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:embeddings"] = $"Endpoint={service.Url}/v1;Key=local;Model=all-minilm-l6-v2",
        };
        if (dimensions is { } wanted)
        {
            settings["Embeddings:Dimensions"] = wanted.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddEmbeddings(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task The_scene_embedder_gets_stored_width_unit_vectors_that_carry_meaning()
    {
        await using var services = Services();
        var embedder = services.GetRequiredService<SceneEmbedder>();

        var vectors = await embedder.EmbedAsync(
        [
            "How do I reach the support team?",
            "You can contact our helpdesk by email at any time.",
            "The volcano erupted and covered the town in ash.",
        ], Ct);

        Assert.True(embedder.IsEnabled);
        Assert.Equal("all-minilm-l6-v2", embedder.Model);
        Assert.All(vectors, vector => Assert.Equal(Scene.EmbeddingDimensions, vector.ToArray().Length));
        Assert.All(vectors, vector => Assert.Equal(1.0, TensorPrimitives.Norm(vector.ToArray()), 3));
        var answer = TensorPrimitives.CosineSimilarity(vectors[0].ToArray(), vectors[1].ToArray());
        var unrelated = TensorPrimitives.CosineSimilarity(vectors[0].ToArray(), vectors[2].ToArray());
        Assert.True(answer > unrelated + 0.2f, $"answer {answer}, unrelated {unrelated}");
    }

    [Fact]
    public async Task The_product_asks_for_base64_vectors_of_the_stored_width_in_one_request_per_batch()
    {
        await using var services = Services();
        var embedder = services.GetRequiredService<SceneEmbedder>();
        service.Requests.Clear();

        await embedder.EmbedAsync(["first passage", "second passage", "third passage"], Ct);

        var sent = Assert.Single(service.Requests);
        using var body = JsonDocument.Parse(sent);
        Assert.Equal(["first passage", "second passage", "third passage"],
            body.RootElement.GetProperty("input").EnumerateArray().Select(item => item.GetString()));
        Assert.Equal("base64", body.RootElement.GetProperty("encoding_format").GetString());
        Assert.Equal(Scene.EmbeddingDimensions, body.RootElement.GetProperty("dimensions").GetInt32());
        Assert.Equal("all-minilm-l6-v2", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task The_generator_asking_for_the_model_own_width_gets_384_dimensions()
    {
        await using var services = Services(dimensions: 0);
        var generator = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var embeddings = await generator.GenerateAsync(["one question", "and another"], cancellationToken: Ct);

        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, embedding => Assert.Equal(384, embedding.Vector.Length));
        Assert.True(embeddings.Usage?.InputTokenCount >= 4);
    }
}
