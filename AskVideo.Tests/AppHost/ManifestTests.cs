using System.Diagnostics;
using System.Text.Json.Nodes;
using AskVideo.Tests.Infrastructure;

namespace AskVideo.Tests.AppHost;

/// <summary>
/// The deployment manifest azd reads (<c>--publisher manifest</c>), written by the real AppHost. It
/// needs no container runtime, so it is checked here even though a deployment is not.
/// </summary>
public sealed class ManifestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Manifest_holds_pgvector_postgres_redis_api_and_worker_wired_by_connection_strings_and_secret_parameters()
    {
        var resources = (await PublishManifestAsync())["resources"]!;

        var postgres = resources["postgres"]!;
        Assert.Equal("container.v0", Text(postgres["type"]));
        Assert.StartsWith("docker.io/pgvector/pgvector:", Text(postgres["image"]));
        Assert.Contains("{postgres-password.value}", Text(postgres["connectionString"]));
        Assert.Contains("{postgres.connectionString};Database=askvideo", Text(resources["askvideo"]!["connectionString"]));
        Assert.Equal("container.v0", Text(resources["redis"]!["type"]));
        Assert.Contains("password={redis-password.value}", Text(resources["redis"]!["connectionString"]));

        foreach (var name in new[] { "postgres-password", "redis-password", "jwt-signing-key", "media-signing-key" })
        {
            Assert.Equal("parameter.v0", Text(resources[name]!["type"]));
            Assert.True(resources[name]!["inputs"]!["value"]!["secret"]!.GetValue<bool>(), $"{name} is not secret");
        }

        var api = resources["api"]!;
        var worker = resources["worker"]!;
        var migrations = resources["migrations"]!;
        foreach (var project in new[] { api, worker, migrations })
        {
            Assert.Equal("project.v0", Text(project["type"]));
            Assert.Equal("{askvideo.connectionString}", Text(project["env"]!["ConnectionStrings__askvideo"]));
        }
        foreach (var service in new[] { api, worker })
        {
            Assert.Equal("{redis.connectionString}", Text(service["env"]!["ConnectionStrings__redis"]));
            Assert.Equal("/mnt/media", Text(service["env"]!["Media__Root"]));
        }
        Assert.Equal("{jwt-signing-key.value}", Text(api["env"]!["Jwt__SigningKey"]));
        Assert.Equal("{media-signing-key.value}", Text(api["env"]!["MediaUrls__SigningKey"]));
        Assert.Null(worker["env"]!["Jwt__SigningKey"]);
        Assert.True(api["bindings"]!["http"]!["external"]?.GetValue<bool>());
        Assert.Null(worker["bindings"]!["http"]!["external"]);
        // The local embeddings service is for local runs: a deployment configures a provider or searches by words.
        Assert.Null(resources["embeddings-local"]);
        Assert.Null(api["env"]!["ConnectionStrings__embeddings"]);
    }

    [Fact]
    public async Task Manifest_passes_on_an_AI_connection_only_when_it_is_configured()
    {
        var resources = (await PublishManifestAsync(("ConnectionStrings__chat", "Endpoint=http://127.0.0.1:9/v1;Key=test;Model=m")))["resources"]!;

        Assert.Equal("{chat.connectionString}", Text(resources["api"]!["env"]!["ConnectionStrings__chat"]));
        Assert.Null(resources["worker"]!["env"]!["ConnectionStrings__chat"]);
        Assert.Null(resources["api"]!["env"]!["ConnectionStrings__embeddings"]);
        Assert.Null(resources["worker"]!["env"]!["ConnectionStrings__transcription"]);
    }

    private static string Text(JsonNode? node) => node?.GetValue<string>() ?? "";

    /// <summary>Runs the built AppHost as azd does (<c>--publisher manifest</c>) and reads what it wrote.</summary>
    private static async Task<JsonNode> PublishManifestAsync(params (string Name, string Value)[] environment)
    {
        var folder = Path.Combine(RepositoryRoot.Path, ".test-data", $"manifest-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var output = Path.Combine(folder, "manifest.json");
            var configuration = Path.GetFileName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var dll = Path.Combine(RepositoryRoot.Path, ".artifacts", "bin", "AskVideo.AppHost", configuration, "AskVideo.AppHost.dll");
            var startInfo = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { dll, "--publisher", "manifest", "--output-path", output },
                WorkingDirectory = RepositoryRoot.Path,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            foreach (var name in new[] { "transcription", "chat", "embeddings", "askvideo", "redis" })
            {
                startInfo.Environment.Remove($"ConnectionStrings__{name}");
            }
            foreach (var (name, value) in environment)
            {
                startInfo.Environment[name] = value;
            }
            using var process = Process.Start(startInfo)!;
            var stdout = process.StandardOutput.ReadToEndAsync(Ct);
            var stderr = process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
            Assert.True(process.ExitCode == 0, $"The manifest publisher failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
            return JsonNode.Parse(await File.ReadAllTextAsync(output, Ct))!;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
