using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.AppHost;

/// <summary>
/// The AppHost's model of a local run: with no embeddings provider configured, Api and Worker wait for
/// the local embeddings service; with one, nothing local runs. Declared only, never started.
/// </summary>
public sealed class LocalEmbeddingsResourceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_a_provider_Api_and_Worker_wait_for_the_local_embeddings_service()
    {
        var resources = await DeclaredResourcesAsync();

        var local = Assert.Single(resources, resource => resource.Name == "embeddings-local");
        Assert.IsType<ProjectResource>(local);
        foreach (var name in new[] { "api", "worker" })
        {
            var service = resources.Single(resource => resource.Name == name);
            Assert.Contains(service.Annotations.OfType<WaitAnnotation>(), wait => wait.Resource == local);
        }
        Assert.DoesNotContain(resources.Single(resource => resource.Name == "web").Annotations.OfType<WaitAnnotation>(),
            wait => wait.Resource == local);
    }

    [Fact]
    public async Task A_configured_provider_replaces_the_local_embeddings_service()
    {
        var resources = await DeclaredResourcesAsync("--ConnectionStrings:embeddings=Endpoint=http://127.0.0.1:9/v1;Key=k;Model=m");

        Assert.DoesNotContain(resources, resource => resource.Name == "embeddings-local");
        Assert.Contains(resources, resource => resource.Name == "embeddings" && resource is IResourceWithConnectionString);
    }

    [Fact]
    public async Task The_local_embeddings_service_can_be_turned_off()
    {
        var resources = await DeclaredResourcesAsync("--AppHost:LocalEmbeddings=false");

        Assert.DoesNotContain(resources, resource => resource.Name.StartsWith("embeddings", StringComparison.Ordinal));
    }

    private static async Task<List<IResource>> DeclaredResourcesAsync(params string[] arguments)
    {
        var dataDirectory = Path.Combine(RepositoryRoot.Path, ".test-data", $"apphost-model-{Guid.NewGuid():N}");
        try
        {
            var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AskVideo_AppHost>(
                [$"--AppHost:DataDirectory={dataDirectory}", "--AppHost:Servers=Local", .. arguments], Ct);
            await using var _ = appHost;
            return [.. appHost.Resources];
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }
}
