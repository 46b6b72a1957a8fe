using AskVideo.Embeddings.Model;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AskVideo.Tests.Embeddings;

/// <summary>The model behind the service: not ready until loaded, and a request made meanwhile waits for it.</summary>
public sealed class TextEncoderTests
{
    [Fact]
    public async Task Health_is_unhealthy_until_the_model_is_loaded_and_an_early_request_waits_for_it()
    {
        using var encoder = new TextEncoder(Options.Create(new EncoderOptions { BatchSize = 2 }));
        var health = new EncoderHealthCheck(encoder);

        var before = await health.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        var early = encoder.EncodeAsync(["one", "two", "three"], TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.False(early.IsCompleted);

        await Task.Run(encoder.Load, TestContext.Current.CancellationToken);

        var after = await health.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Healthy, after.Status);
        var encoded = await early;
        Assert.Equal(3, encoded.Vectors.Length);
        Assert.All(encoded.Vectors, vector => Assert.Equal(TextEncoder.Dimensions, vector.Length));
        Assert.True(encoded.Tokens >= 9, $"{encoded.Tokens} tokens");
    }

    [Fact]
    public async Task A_request_cancelled_while_the_model_loads_stops_waiting()
    {
        using var encoder = new TextEncoder(Options.Create(new EncoderOptions()));
        using var cancel = new CancellationTokenSource();

        var waiting = encoder.EncodeAsync(["never encoded"], cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
