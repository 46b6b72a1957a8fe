using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Pgvector.Npgsql;

namespace AskVideo.Core.Data;

public static class DatabaseRegistration
{
    /// <summary>The database's connection-string name and its resource name in the AppHost.</summary>
    public const string ConnectionName = "askvideo";

    /// <summary>
    /// <see cref="AppDbContext"/> and an <see cref="NpgsqlDataSource"/> (for the queries EF Core does not
    /// write) on <c>ConnectionStrings:askvideo</c>, through Aspire's client integrations: pooling, health
    /// check, traces and metrics. Both map pgvector's types.
    /// </summary>
    public static IHostApplicationBuilder AddAppDatabase(this IHostApplicationBuilder builder)
    {
        // One health check is enough: the DbContext's.
        builder.AddNpgsqlDataSource(
            ConnectionName,
            settings => settings.DisableHealthChecks = true,
            dataSource => dataSource.UseVector());
        builder.AddNpgsqlDbContext<AppDbContext>(
            ConnectionName,
            // The code runs its own transactions (upload + job, transcript + scenes), which a retrying
            // execution strategy refuses; transient failures surface as job retries and 5xx instead.
            settings => settings.DisableRetry = true,
            options => options.UseNpgsql(npgsql => npgsql.UseVector()));
        return builder;
    }

    public static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        return builder.Build();
    }

    private static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, npgsql => npgsql.UseVector());

    /// <summary>Applies every pending migration to the database at <paramref name="connectionString"/>.</summary>
    public static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = BuildDataSource(connectionString);
        var options = new DbContextOptionsBuilder<AppDbContext>();
        Configure(options, dataSource);
        await using var db = new AppDbContext(options.Options);
        await db.Database.MigrateAsync(cancellationToken);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running server.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=askvideo", npgsql => npgsql.UseVector())
            .Options;
        return new AppDbContext(options);
    }
}
