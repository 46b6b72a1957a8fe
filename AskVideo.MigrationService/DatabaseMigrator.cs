using AskVideo.Core.Data;
using AskVideo.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace AskVideo.MigrationService;

/// <summary>
/// Brings the database to the latest migration (creating it, and the <c>vector</c> extension, when
/// missing), then stops the host. A failure ends the process with exit code 1, so that nothing that
/// waits for this resource to complete starts on an old schema.
/// </summary>
internal sealed class DatabaseMigrator(
    IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<DatabaseMigrator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = Telemetry.Source.StartActivity("database.migrate");
        try
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Database.MigrateAsync(stoppingToken);
            logger.LogInformation("Database migrated.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            activity?.AddException(e);
            logger.LogError(e, "Database migration failed.");
            Environment.ExitCode = 1;
        }
        lifetime.StopApplication();
    }
}
