using System.Diagnostics;
using AskVideo.Core.Data;
using AskVideo.Core.Jobs;
using AskVideo.ServiceDefaults;
using AskVideo.Worker.Indexing;
using AskVideo.Worker.Infrastructure;
using AskVideo.Worker.Pipeline;
using Microsoft.Extensions.Options;

namespace AskVideo.Worker.Jobs;

/// <summary>
/// Runs one stream entry: takes the job's lease, runs the pipeline under a heartbeat and the time
/// limits, records the outcome in PostgreSQL, and only then acknowledges the entry.
/// </summary>
public sealed partial class JobRunner(
    JobStore jobs,
    DatabaseGate gate,
    JobStreamClient stream,
    TranscriptionPipeline pipeline,
    ReindexPipeline reindex,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<JobRunner> logger)
{
    private WorkerOptions Options => options.Value;

    /// <param name="entry">The stream entry.</param>
    /// <param name="shutdown">Fires when the host can wait no longer: the job is then released, not failed.</param>
    public async Task RunAsync(JobEntry entry, CancellationToken shutdown)
    {
        if (entry.JobId is not { } jobId)
        {
            LogMalformedEntry(entry.EntryId.ToString());
            await AcknowledgeAsync(entry);
            return;
        }

        var (lease, job) = await TakeAsync(jobId, entry.DueAt, shutdown);
        if (lease != LeaseResult.Taken || job is null)
        {
            // Finished or gone: a duplicate entry or a leftover, dropped. Not due: a copy that came
            // before the job's retry time, dropped too, as the relay publishes the job when due.
            // Held elsewhere: its holder is alive and acknowledges it; if the holder dies, the
            // entry is claimed again.
            if (lease is LeaseResult.Finished or LeaseResult.Gone or LeaseResult.NotDue)
            {
                await AcknowledgeAsync(entry);
            }
            return;
        }

        ActivityContext.TryParse(entry.TraceParent ?? job.TraceParent, null, out var parent);
        using var activity = Telemetry.Source.StartActivity("job.process", ActivityKind.Consumer, parent);
        activity?.SetTag("job.id", jobId);
        activity?.SetTag("job.attempt", job.Attempts);
        activity?.SetTag("job.kind", job.Kind.ToString());
        activity?.SetTag("video.id", job.VideoId);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.destination.name", stream.Stream.Key);
        LogStarted(jobId, job.VideoId, job.Attempts, job.MaxAttempts);

        if (job.Attempts > job.MaxAttempts)
        {
            // Earlier attempts died with their worker (a crash, or the file kills the process).
            await FinishAsync(entry, job, (Outcome.Failed, JobFailure.Fatal(
                "Processing stopped unexpectedly too many times. The file may be damaged; try uploading it again.")), activity);
            return;
        }

        var result = await ProcessAsync(entry, job, shutdown);
        await FinishAsync(entry, job, result, activity);
    }

    /// <summary>
    /// Takes the lease, waiting while PostgreSQL cannot be reached: the worker pauses (see
    /// <see cref="DatabaseGate"/>) instead of failing the entry, and goes on once the database is back.
    /// </summary>
    private async Task<(LeaseResult, Job?)> TakeAsync(long jobId, DateTimeOffset? dueAt, CancellationToken shutdown)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                var result = await jobs.TryTakeAsync(jobId, dueAt, shutdown);
                gate.Open();
                return result;
            }
            catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex) && !shutdown.IsCancellationRequested)
            {
                if (gate.Close())
                {
                    LogDatabaseUnavailable(ex.GetBaseException().Message);
                }
                await Task.Delay(delay, time, shutdown);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            catch (Exception ex) when (!DatabaseFailures.IsUnavailable(ex))
            {
                // This run ends and its entry is claimed again later. The gate must not stay closed
                // behind it: the consumer would read no entry, and claim none, ever again.
                gate.Open();
                throw;
            }
        }
    }

    private enum Outcome { Succeeded, Failed, LeaseLost, Released }

    private async Task<(Outcome Outcome, Exception? Failure)> ProcessAsync(JobEntry entry, Job job, CancellationToken shutdown)
    {
        using var leaseLost = new CancellationTokenSource();
        using var softLimit = new CancellationTokenSource(Options.SoftTimeLimit, time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown, leaseLost.Token, softLimit.Token);
        using var stopHeartbeat = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(entry, job, leaseLost, stopHeartbeat.Token);

        // On the thread pool, so the hard limit holds even if a stage blocks its thread.
        var run = Task.Run(() => job.Kind == JobKind.Index ? reindex.RunAsync(job, cancel.Token) : pipeline.RunAsync(job, cancel.Token),
            CancellationToken.None);
        var finished = await Task.WhenAny(run, Task.Delay(Options.HardTimeLimit, time, stopHeartbeat.Token));
        await stopHeartbeat.CancelAsync();
        await heartbeat;

        if (finished != run)
        {
            // The pipeline ignored its cancellation: stop waiting. Whatever it does later cannot
            // commit, because the lease is gone once this failure is recorded.
            _ = run.ContinueWith(t => t.Exception, TaskScheduler.Default);
            return (Outcome.Failed, JobFailure.Transient($"Processing did not stop within the {Minutes(Options.HardTimeLimit)} time limit."));
        }
        try
        {
            await run;
            return (Outcome.Succeeded, null);
        }
        catch (Exception ex) when (leaseLost.IsCancellationRequested || ex is LeaseLostException)
        {
            return (Outcome.LeaseLost, ex);
        }
        // Cancellation can surface as other exceptions (a killed ffmpeg, an aborted request): what
        // was cancelled decides, unless the failure is one no retry can fix.
        catch (Exception ex) when (shutdown.IsCancellationRequested && ex is not JobFailure { Permanent: true })
        {
            return (Outcome.Released, ex);
        }
        catch (Exception ex) when (softLimit.IsCancellationRequested && ex is not JobFailure { Permanent: true })
        {
            return (Outcome.Failed, JobFailure.Transient($"Processing took longer than the {Minutes(Options.SoftTimeLimit)} time limit.", ex));
        }
        catch (Exception ex)
        {
            return (Outcome.Failed, ex);
        }
    }

    private async Task FinishAsync(JobEntry entry, Job job, (Outcome Outcome, Exception? Failure) result, Activity? activity)
    {
        // The outcome is recorded even while the host shuts down: it takes milliseconds, and a
        // recorded outcome is what makes acknowledging safe.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var ct = timeout.Token;
        bool recorded;
        switch (result)
        {
            case (Outcome.Succeeded, _):
                // The pipeline committed the results and the job's success in one transaction.
                LogSucceeded(job.Id, job.VideoId);
                await AcknowledgeAsync(entry);
                return;

            case (Outcome.LeaseLost, _):
                // Another worker took over (this one stalled): it owns the entry and the outcome now.
                LogLeaseLost(job.Id);
                activity?.SetStatus(ActivityStatusCode.Error, "lease lost");
                return;

            case (Outcome.Released, _):
                recorded = await jobs.ReleaseAsync(job, ct);
                LogReleased(job.Id);
                break;

            case (_, var failure and not JobFailure { Permanent: true }) when job.Attempts < job.MaxAttempts:
                var delay = Options.RetryBaseDelay * Math.Pow(2, job.Attempts - 1);
                recorded = await jobs.RetryLaterAsync(job, failure!.ToString(), time.GetUtcNow() + delay, ct);
                LogRetrying(failure, job.Id, job.Attempts, job.MaxAttempts, delay.TotalSeconds);
                activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
                break;

            case (_, var failure):
                var message = failure is JobFailure known
                    ? known.UserMessage
                    : "Processing failed. Try again later; if it fails again, the file may be damaged.";
                if (failure is not JobFailure { Permanent: true } && job.Attempts > 1)
                {
                    message = $"{message} (Gave up after {job.Attempts} attempts.)";
                }
                recorded = await jobs.FailAsync(job, failure!.ToString(), message, ct);
                LogFailed(failure, job.Id, message);
                activity?.SetStatus(ActivityStatusCode.Error, message);
                break;
        }

        if (recorded)
        {
            await AcknowledgeAsync(entry);
        }
    }

    /// <summary>
    /// Extends the lease and keeps the stream entry fresh until the pipeline ends. The first beat
    /// comes at once: taking the lease may have been slow (a cold start), and the entry has been
    /// idle since it was delivered.
    /// </summary>
    private async Task HeartbeatAsync(JobEntry entry, Job job, CancellationTokenSource leaseLost, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Options.HeartbeatInterval, time);
        try
        {
            do
            {
                try
                {
                    if (!await jobs.ExtendAsync(job, stop))
                    {
                        await leaseLost.CancelAsync();
                        return;
                    }
                    await stream.KeepAsync(entry.EntryId);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // PostgreSQL or Redis hiccup: the lease has two more beats of slack.
                    LogHeartbeatFailed(ex, job.Id);
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task AcknowledgeAsync(JobEntry entry)
    {
        try
        {
            await stream.AcknowledgeAsync(entry.EntryId);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            // The entry stays pending; whoever claims it later finds the job finished and drops it.
            LogAcknowledgeFailed(ex, entry.EntryId.ToString());
        }
    }

    private static string Minutes(TimeSpan span) =>
        span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#}-minute" : $"{span.TotalSeconds:0.#}-second";

    [LoggerMessage(LogLevel.Warning, "PostgreSQL is unavailable; reading jobs is paused until it is back: {Reason}")]
    private partial void LogDatabaseUnavailable(string reason);

    [LoggerMessage(LogLevel.Warning, "Stream entry {EntryId} carries no job id; dropped")]
    private partial void LogMalformedEntry(string entryId);

    [LoggerMessage(LogLevel.Information, "Job {JobId} (video {VideoId}) started, attempt {Attempt} of {MaxAttempts}")]
    private partial void LogStarted(long jobId, int videoId, int attempt, int maxAttempts);

    [LoggerMessage(LogLevel.Information, "Job {JobId} (video {VideoId}) succeeded")]
    private partial void LogSucceeded(long jobId, int videoId);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} lost its lease to another worker; its results were not written")]
    private partial void LogLeaseLost(long jobId);

    [LoggerMessage(LogLevel.Information, "Job {JobId} released on shutdown; another worker will take it")]
    private partial void LogReleased(long jobId);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} attempt {Attempt} of {MaxAttempts} failed; retrying in {DelaySeconds} s")]
    private partial void LogRetrying(Exception exception, long jobId, int attempt, int maxAttempts, double delaySeconds);

    [LoggerMessage(LogLevel.Error, "Job {JobId} failed: {Message}")]
    private partial void LogFailed(Exception exception, long jobId, string message);

    [LoggerMessage(LogLevel.Warning, "Heartbeat of job {JobId} failed")]
    private partial void LogHeartbeatFailed(Exception exception, long jobId);

    [LoggerMessage(LogLevel.Warning, "Stream entry {EntryId} could not be acknowledged now")]
    private partial void LogAcknowledgeFailed(Exception exception, string entryId);
}
