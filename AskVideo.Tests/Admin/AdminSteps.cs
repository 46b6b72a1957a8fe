using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AskVideo.Api.Admin;
using AskVideo.Core.Accounts;
using AskVideo.Core.Jobs;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.Tests.Admin;

public static class AdminSteps
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new verified user given the admin role (as create-superuser does), signed in.</summary>
    public static async Task<SignedInUser> SignInNewAdminAsync(this ApiFactory api)
    {
        var user = await api.SignInNewUserAsync();
        await api.MakeAdminAsync(user.Id);
        return user;
    }

    public static async Task MakeAdminAsync(this ApiFactory api, int userId)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole<int>>>();
        if (!await roles.RoleExistsAsync(Roles.Admin))
        {
            await roles.CreateAsync(new IdentityRole<int>(Roles.Admin));
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var user = await users.FindByIdAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            ?? throw new InvalidOperationException($"No user {userId}.");
        var result = await users.AddToRoleAsync(user, Roles.Admin);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        // Signing in cached the account as a non-admin; a promotion from outside the API (the
        // command line) takes effect within the cache's bound, which a test need not wait out.
        scope.ServiceProvider.GetRequiredService<UserStatusCache>().Forget(userId);
    }

    /// <summary>A job that failed for good, with its video in error, written straight to the database.</summary>
    public static async Task<long> InsertFailedJobAsync(this ApiFactory api, int ownerId)
    {
        var video = await api.InsertVideoAsync(ownerId, v =>
        {
            v.Status = Core.Videos.VideoStatus.Error;
            v.ErrorMessage = "The transcription service failed.";
        });
        await using var db = api.OpenDb();
        var now = DateTimeOffset.UtcNow;
        var job = new Job
        {
            VideoId = video.Id,
            Status = JobStatus.Failed,
            Attempts = 3,
            LastError = "HTTP 500 from the transcription service",
            NotBefore = now,
            PublishedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
            FinishedAt = now,
        };
        db.Jobs.Add(job);
        await db.SaveChangesAsync(Ct);
        return job.Id;
    }

    public static async Task<JsonNode> PostOkAsync(this HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK) =>
        await (await client.PostAsync(path, JsonContent.Create(new { }), Ct)).AssertStatus(expected).JsonAsync();

    public static async Task<JsonNode> GetOkAsync(this HttpClient client, string path) =>
        await (await client.GetAsync(path, Ct)).AssertStatus(HttpStatusCode.OK).JsonAsync();

    public static async Task<List<string>> AuditActionsAsync(this ApiFactory api)
    {
        await using var db = api.OpenDb();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).Select(e => e.Action + " " + e.ResourceType + " " + e.ResourceId).ToListAsync(Ct);
    }
}
