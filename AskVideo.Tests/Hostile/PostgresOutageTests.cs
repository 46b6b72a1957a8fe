using System.Net;
using AskVideo.Core.Data;
using AskVideo.Tests.Groups;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using Npgsql;

namespace AskVideo.Tests.Hostile;

/// <summary>The Api reaches its database through a link that can go down and come back, as a restarting PostgreSQL does.</summary>
public sealed class PostgresOutageApiFactory(TestServices services) : ApiFactory(services)
{
    public SeveredLink DatabaseLink { get; } = SeveredLink.To(services.Postgres.Port);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [$"ConnectionStrings:{DatabaseRegistration.ConnectionName}"] = new NpgsqlConnectionStringBuilder(DatabaseConnectionString) { Port = DatabaseLink.Port }.ConnectionString,
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await DatabaseLink.DisposeAsync();
    }
}

public sealed class PostgresOutageTests(PostgresOutageApiFactory api) : IClassFixture<PostgresOutageApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task While_the_database_is_down_requests_answer_503_with_retry_after_and_health_says_so_and_all_recovers_by_itself()
    {
        using var user = await api.SignInNewUserAsync();
        var group = await user.Client.CreateGroupOkAsync("Kept through the outage");

        api.DatabaseLink.GoDown();
        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => user.Client.GetAsync("/api/videos/", Ct),
            () => user.Client.GetAsync($"/api/videos/groups/{group}/", Ct),
            () => user.Client.CreateGroupAsync("During the outage"),
            () => user.Client.GetAsync("/api/auth/me/", Ct),
        })
        {
            using var response = await request();
            await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        }
        using (var health = await user.Client.GetAsync("/health", Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            var report = await health.JsonAsync();
            Assert.Equal("Unhealthy", report["checks"]!["AppDbContext"]!["status"]!.GetValue<string>());
        }

        api.DatabaseLink.ComeBack();
        (await user.Client.GetAsync("/health", Ct)).AssertStatus(HttpStatusCode.OK);
        var list = await (await user.Client.GetAsync("/api/videos/groups/", Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();
        Assert.Equal(["Kept through the outage"], list["results"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()));
    }
}
