using System.Globalization;
using AskVideo.Core.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace AskVideo.Api.Infrastructure;

/// <summary>
/// While PostgreSQL cannot be reached (down, restarting, out of connections), a request that needs
/// it answers 503 with <c>Retry-After</c>: the client did nothing wrong and may simply try again.
/// Fresh connections are opened once the server is back, so nothing has to restart.
/// </summary>
internal sealed partial class DatabaseUnavailableExceptionHandler(
    IProblemDetailsService problemDetails, NpgsqlDataSource dataSource, ILogger<DatabaseUnavailableExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>What a client is told to wait: about the time a restarting PostgreSQL needs.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!DatabaseFailures.IsUnavailable(exception))
        {
            return false;
        }
        LogUnavailable(exception.GetBaseException().Message);
        DatabaseFailures.ForgetConnections(dataSource);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is briefly unavailable.",
                Detail = $"The database cannot be reached right now. Try again in {RetryAfterSeconds} seconds.",
            },
            Exception = exception,
        });
    }

    [LoggerMessage(LogLevel.Warning, "PostgreSQL is unavailable; answered 503: {Reason}")]
    private partial void LogUnavailable(string reason);
}
