using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace AskVideo.Worker.Jobs;

/// <summary>How a worker consumes the job stream (<c>Worker:</c> section).</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>Jobs this worker runs at the same time.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>
    /// How long a job's lease lasts without a heartbeat, and how long a stream entry may sit idle
    /// before another worker claims it (a crashed worker's). Heartbeats come every third of it.
    /// </summary>
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Wait before the first retry; doubled for each further one.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The pipeline is cancelled after this long (a failure with a clear message).</summary>
    public TimeSpan SoftTimeLimit { get; set; } = TimeSpan.FromMinutes(25);

    /// <summary>The worker stops waiting for a pipeline that ignored its cancellation after this long.</summary>
    public TimeSpan HardTimeLimit { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the outbox relay looks for jobs to (re)publish.</summary>
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>This worker's consumer name in the group; also the lease owner written on jobs.</summary>
    public string ConsumerName { get; set; } =
        $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    public TimeSpan HeartbeatInterval => ClaimIdleTime / 3;

    /// <summary>A running job whose lease expired this long ago and that nobody claimed has lost its entry.</summary>
    public TimeSpan StuckAfter => ClaimIdleTime * 5;
}

internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        List<string> errors = [];
        if (options.Concurrency is < 1 or > 64)
        {
            errors.Add("Worker:Concurrency must be between 1 and 64.");
        }
        if (options.ClaimIdleTime < TimeSpan.FromSeconds(1))
        {
            errors.Add("Worker:ClaimIdleTime must be at least one second.");
        }
        if (options.RetryBaseDelay < TimeSpan.Zero)
        {
            errors.Add("Worker:RetryBaseDelay must not be negative.");
        }
        if (options.SoftTimeLimit <= TimeSpan.Zero || options.HardTimeLimit < options.SoftTimeLimit)
        {
            errors.Add("Worker:SoftTimeLimit must be positive and Worker:HardTimeLimit at least as long.");
        }
        if (options.RelayInterval < TimeSpan.FromMilliseconds(10))
        {
            errors.Add("Worker:RelayInterval must be at least 10 ms.");
        }
        if (string.IsNullOrWhiteSpace(options.ConsumerName) || options.ConsumerName.Length > 200)
        {
            errors.Add("Worker:ConsumerName must be 1 to 200 characters.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
