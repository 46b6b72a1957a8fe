using System.Diagnostics;
using AskVideo.Core.Accounts;
using AskVideo.Core.Data;
using AskVideo.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.Tests.Admin;

/// <summary><c>create-superuser</c> run as operators run it: the built Api, its own process, a real database.</summary>
public sealed class SuperuserCommandTests(TestServices services) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private string _database = "";

    public async ValueTask InitializeAsync() => _database = await services.CreateDatabaseAsync(Ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task It_creates_an_administrator_with_the_password_from_standard_input_and_a_second_run_changes_nothing()
    {
        var name = NewName();

        var run = await RunAsync(["--username", name, "--email", $"{name}@example.com"], "a-long-enough-password\n");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains($"Created administrator '{name}'", run.Output, StringComparison.Ordinal);
        await using var db = OpenDb();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == name, Ct);
        Assert.True(user.EmailConfirmed);
        Assert.Equal(PasswordVerificationResult.Success,
            new PasswordHasher<User>().VerifyHashedPassword(user, user.PasswordHash!, "a-long-enough-password"));
        Assert.True(await IsAdminAsync(db, user.Id));
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "user.create_superuser" && e.ResourceId == user.Id.ToString(), Ct));

        var again = await RunAsync(["--username", name, "--email", $"{name}@example.com"], "");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("already an administrator; nothing changed", again.Output, StringComparison.Ordinal);
        Assert.Equal(1, await db.Users.CountAsync(u => u.UserName == name, Ct));
    }

    [Fact]
    public async Task It_promotes_an_existing_user_and_leaves_their_password_alone()
    {
        var name = NewName();
        await using var db = OpenDb();
        var existing = new User
        {
            UserName = name, NormalizedUserName = name.ToUpperInvariant(),
            Email = $"{name}@example.com", NormalizedEmail = $"{name}@example.com".ToUpperInvariant(),
            PasswordHash = "unchanged-hash", SecurityStamp = Guid.NewGuid().ToString(), CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Users.Add(existing);
        await db.SaveChangesAsync(Ct);

        var run = await RunAsync(["--username", name, "--email", $"{name}@example.com"], "");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains($"Promoted existing user '{name}'", run.Output, StringComparison.Ordinal);
        Assert.True(await IsAdminAsync(db, existing.Id));
        Assert.Equal("unchanged-hash", await db.Users.Where(u => u.Id == existing.Id).Select(u => u.PasswordHash).SingleAsync(Ct));
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "user.promote" && e.ResourceId == existing.Id.ToString(), Ct));
    }

    [Fact]
    public async Task A_weak_password_is_refused_with_exit_code_1_and_creates_nobody()
    {
        var name = NewName();

        var run = await RunAsync(["--username", name, "--email", $"{name}@example.com"], "short\n");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("The password is too weak", run.Output, StringComparison.Ordinal);
        await using var db = OpenDb();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == name, Ct));
    }

    [Fact]
    public async Task An_email_that_belongs_to_another_user_is_refused_with_exit_code_1()
    {
        var owner = NewName();
        Assert.Equal(0, (await RunAsync(["--username", owner, "--email", $"{owner}@example.com"], "a-long-enough-password\n")).ExitCode);
        var name = NewName();

        var run = await RunAsync(["--username", name, "--email", $"{owner}@EXAMPLE.com"], "another-long-password\n");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"already belongs to user '{owner}'", run.Output, StringComparison.Ordinal);
        await using var db = OpenDb();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == name, Ct));
    }

    [Fact]
    public async Task A_missing_email_or_a_password_argument_is_a_usage_error_with_exit_code_2()
    {
        var name = NewName();

        var noEmail = await RunAsync(["--username", name], "a-long-enough-password\n");
        var passwordArgument = await RunAsync(["--username", name, "--email", $"{name}@example.com", "--password", "a-long-enough-password"], "");

        Assert.Equal(2, noEmail.ExitCode);
        Assert.Contains("Usage: create-superuser", noEmail.Output, StringComparison.Ordinal);
        Assert.Equal(2, passwordArgument.ExitCode);
        Assert.Contains("never taken as an argument", passwordArgument.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_is_a_plain_error_with_exit_code_1()
    {
        var name = NewName();

        var run = await RunAsync(["--username", name, "--email", $"{name}@example.com"], "a-long-enough-password\n",
            database: "Host=127.0.0.1;Port=1;Database=nowhere;Username=nobody;Timeout=2");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Could not reach the database", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Output, StringComparison.Ordinal);
    }

    private static string NewName() => "ada_" + Guid.NewGuid().ToString("N")[..10];

    private AppDbContext OpenDb() =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(_database, npgsql => npgsql.UseVector()).Options);

    private static Task<bool> IsAdminAsync(AppDbContext db, int userId) =>
        db.UserRoles.AnyAsync(r => r.UserId == userId && db.Roles.Any(role => role.Id == r.RoleId && role.Name == Roles.Admin), Ct);

    private sealed record Run(int ExitCode, string Output);

    /// <summary>Runs the built Api as <c>dotnet AskVideo.Api.dll create-superuser ...</c>, with <paramref name="input"/> on standard input.</summary>
    private async Task<Run> RunAsync(string[] arguments, string input, string? database = null)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ApiDll)!,
        };
        foreach (var argument in (string[])[ApiDll, "create-superuser", .. arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }
        // As `dotnet run` starts it (launchSettings.json): Development, which validates registrations.
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        startInfo.Environment[$"ConnectionStrings__{DatabaseRegistration.ConnectionName}"] = database ?? _database;
        startInfo.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new Run(process.ExitCode, await output + await error);
    }

    /// <summary>The built Api beside the test binaries (same configuration).</summary>
    private static string ApiDll
    {
        get
        {
            var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(tests.Parent!.Parent!.FullName, "AskVideo.Api", tests.Name, "AskVideo.Api.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first: the Api is missing.", path);
        }
    }
}
