using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pgvector.Npgsql;

namespace AskVideo.Core.Data;

public static class DatabaseRegistration
{
    public const string ConnectionName = "postgres";

    /// <summary>Registers <see cref="AppDbContext"/> on the <c>ConnectionStrings:postgres</c> server.</summary>
    public static IServiceCollection AddAppDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not configured (env: ConnectionStrings__{ConnectionName}).");
        var dataSource = BuildDataSource(connectionString);
        services.AddSingleton(dataSource);
        services.AddDbContext<AppDbContext>(options => Configure(options, dataSource));
        return services;
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
