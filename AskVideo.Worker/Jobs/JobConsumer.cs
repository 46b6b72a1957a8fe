using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AskVideo.Worker.Jobs;

/// <summary>
/// Reads the job stream as one consumer of the workers' group and runs up to
/// <see cref="WorkerOptions.Concurrency"/> jobs at a time. StackExchange.Redis cannot block on
/// XREADGROUP, so the loop sleeps until the publisher's wake-up message (or a job finishing, or a
/// one-second fallback poll) and then reads as many entries as it has free slots.
/// </summary>
public sealed partial class JobConsumer(
    JobStreamClient stream,
    JobStore jobs,
    JobRunner runner,
    DatabaseGate database,
    IOptions<WorkerOptions> options,
    IOptions<HostOptions> hostOptions,
    TimeProvider time,
    ILogger<JobConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_errorDelay = TimeSpan.FromSeconds(1);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<long, Task> _running = new();
    // The jobs being run right now. A second entry for one of them (its own entry claimed back
    // after a stall, or a copy the relay published) is not started while that run lasts: it waits
    // in _deferred, and once the run has ended it goes through the lease like any entry (dropped
    // if the job finished or waits out a retry, run if the job is due again). Left to a later
    // claim instead, it would sit unacknowledged for a whole claim idle time.
    private readonly ConcurrentDictionary<long, byte> _runningJobs = new();
    // Touched by the reading loop only.
    private readonly List<JobEntry> _deferred = [];
    private readonly CancellationTokenSource _release = new();
    private long _runs;

    private int _disposed;

    private WorkerOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await WarmUpAsync(stoppingToken);
        LogStarting(Options.ConsumerName, stream.Stream.Key, Options.Concurrency);
        var groupReady = false;
        var subscribed = false;
        var redisDown = false;
        var nextClaim = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!groupReady)
                {
                    await stream.EnsureGroupAsync();
                    groupReady = true;
                }
                if (!subscribed)
                {
                    await stream.SubscribeToWakeAsync(Wake);
                    subscribed = true;
                }

                // While PostgreSQL is down, entries stay in the stream for later rather than piling
                // up here; the run that found it down resumes by itself.
                var free = database.IsOpen ? Options.Concurrency - _running.Count : 0;
                free -= StartDeferred(free);
                if (free > 0 && time.GetUtcNow() >= nextClaim)
                {
                    nextClaim = time.GetUtcNow() + Options.ClaimIdleTime / 2;
                    free -= Start(await stream.ClaimAbandonedAsync(free));
                }
                var read = free > 0 ? Start(await stream.ReadNewAsync(free)) : 0;
                if (redisDown)
                {
                    redisDown = false;
                    LogRedisBack();
                }
                if (free > 0 && read == free)
                {
                    continue; // Slots filled; more may be waiting once one frees.
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis is down or the group vanished with its data: start over once it answers.
                if (ex.Message.Contains("NOGROUP", StringComparison.Ordinal))
                {
                    groupReady = false;
                }
                if (!redisDown)
                {
                    redisDown = true;
                    LogRedisUnavailable(ex.Message);
                }
                await DelayAsync(s_errorDelay, stoppingToken);
                continue;
            }

            await WaitForWakeAsync(stoppingToken);
        }

        // Reading has stopped; jobs in flight finish, or are released when the host can wait no longer.
        await Task.WhenAll(_running.Values);
        LogStopped(Options.ConsumerName);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Leave a margin inside the host's shutdown timeout to release unfinished jobs cleanly.
        var timeout = hostOptions.Value.ShutdownTimeout;
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, timeout.Ticks / 3));
        LogStopping(_running.Count, (timeout - margin).TotalSeconds);
        // A host may be asked to stop again after it was disposed (test hosts do): nothing is left to release then.
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }
        _release.CancelAfter(timeout - margin);
        await using var registration = cancellationToken.Register(ReleaseNow);
        await base.StopAsync(cancellationToken);
    }

    private void ReleaseNow()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _release.Cancel();
        }
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _release.Dispose();
        }
        base.Dispose();
    }

    /// <summary>
    /// Starts a run per entry, except for jobs already running here, whose entries wait for that run
    /// to end; returns how many started.
    /// </summary>
    private int Start(IReadOnlyList<JobEntry> entries)
    {
        var started = 0;
        foreach (var entry in entries)
        {
            if (entry.JobId is { } jobId && !_runningJobs.TryAdd(jobId, 0))
            {
                // The same entry can come twice (claimed back while it waits): once is enough.
                if (!_deferred.Exists(e => e.EntryId == entry.EntryId))
                {
                    LogAlreadyRunning(jobId, entry.EntryId.ToString());
                    _deferred.Add(entry);
                }
                continue;
            }
            var run = Interlocked.Increment(ref _runs);
            var task = Task.Run(() => RunSafelyAsync(entry), CancellationToken.None);
            _running[run] = task;
            started++;
            _ = task.ContinueWith(_ =>
            {
                _running.TryRemove(run, out Task? _);
                if (entry.JobId is { } id)
                {
                    _runningJobs.TryRemove(id, out byte _);
                }
                Wake();
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return started;
    }

    /// <summary>
    /// Starts, within <paramref name="free"/> slots, the waiting entries whose job's run here has
    /// ended (a run ending wakes the loop); returns how many started.
    /// </summary>
    private int StartDeferred(int free)
    {
        if (free <= 0 || _deferred.Count == 0)
        {
            return 0;
        }
        var ready = _deferred.Where(e => !_runningJobs.ContainsKey(e.JobId!.Value)).Take(free).ToList();
        _deferred.RemoveAll(ready.Contains);
        return Start(ready);
    }

    private async Task WarmUpAsync(CancellationToken stoppingToken)
    {
        try
        {
            await jobs.WarmUpAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // PostgreSQL is not there yet: jobs will tell, with their own errors.
            LogWarmUpFailed(ex.Message);
        }
    }

    private async Task RunSafelyAsync(JobEntry entry)
    {
        try
        {
            await runner.RunAsync(entry, _release.Token);
        }
        catch (Exception ex)
        {
            // The entry stays unacknowledged: it is claimed again after the idle time.
            LogRunFailed(ex, entry.EntryId.ToString());
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task WaitForWakeAsync(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(s_pollInterval);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Poll interval over, or stopping: the loop checks which.
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(LogLevel.Information, "Consumer {Consumer} reads {Stream}, {Concurrency} jobs at a time")]
    private partial void LogStarting(string consumer, string stream, int concurrency);

    [LoggerMessage(LogLevel.Information, "Stopping: {Count} jobs in flight have {Seconds} s to finish before they are released")]
    private partial void LogStopping(int count, double seconds);

    [LoggerMessage(LogLevel.Warning, "The job database could not be reached at start: {Reason}")]
    private partial void LogWarmUpFailed(string reason);

    [LoggerMessage(LogLevel.Information, "Consumer {Consumer} stopped")]
    private partial void LogStopped(string consumer);

    [LoggerMessage(LogLevel.Warning, "Job stream unavailable, retrying every second: {Reason}")]
    private partial void LogRedisUnavailable(string reason);

    [LoggerMessage(LogLevel.Information, "Job stream available again")]
    private partial void LogRedisBack();

    [LoggerMessage(LogLevel.Information, "Job {JobId} is already running here; stream entry {EntryId} waits until that run ends")]
    private partial void LogAlreadyRunning(long jobId, string entryId);

    [LoggerMessage(LogLevel.Error, "Stream entry {EntryId} could not be processed; it will be claimed again")]
    private partial void LogRunFailed(Exception exception, string entryId);
}
