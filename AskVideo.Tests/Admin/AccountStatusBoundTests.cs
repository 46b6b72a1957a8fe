using System.Diagnostics.Metrics;
using System.Net;
using AskVideo.Core.Jobs;
using AskVideo.Tests.Infrastructure;
using AskVideo.Tests.Videos;
using AskVideo.Tests.Worker;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskVideo.Tests.Admin;

/// <summary>An API that caches no account status and reads the queue figures every second.</summary>
public sealed class UncachedStatusApiFactory(TestServices services) : ApiFactory(services)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Admin:UserStatusCacheDuration"] = "00:00:00",
        ["Admin:QueueMetricsInterval"] = "00:00:01",
    };
}

public sealed class AccountStatusBoundTests(UncachedStatusApiFactory api) : IClassFixture<UncachedStatusApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_deactivation_written_by_another_replica_refuses_the_access_token_once_the_status_cache_bound_has_passed()
    {
        // The bound is Admin:UserStatusCacheDuration, zero here: the next request already reads the account again.
        using var user = await api.SignInNewUserAsync();
        (await user.Client.GetAsync("/api/auth/me/", Ct)).AssertStatus(HttpStatusCode.OK);

        await using (var db = api.OpenDb())
        {
            // What the replica that deactivated the account wrote; this replica's cache was not told.
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.DeactivatedAt, DateTimeOffset.UtcNow), Ct);
        }

        await (await user.Client.GetAsync("/api/auth/me/", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_queue_figures_are_also_OpenTelemetry_gauges_and_the_dead_lettered_one_counts_failed_jobs()
    {
        using var user = await api.SignInNewUserAsync();
        await api.InsertFailedJobAsync(user.Id);
        await api.InsertFailedJobAsync(user.Id);
        int failed;
        await using (var db = api.OpenDb())
        {
            failed = await db.Jobs.CountAsync(j => j.Status == JobStatus.Failed, Ct);
        }

        var meters = api.Services.GetRequiredService<IMeterFactory>();
        var reading = await WorkerTestbed.WaitForAsync(() => Task.FromResult(ReadGauge(meters, "askvideo.queue.dead_lettered")),
            value => value == failed, TimeSpan.FromSeconds(30), "the dead-lettered gauge", v => $"{v}");

        Assert.Equal(failed, reading);
        Assert.Equal(
            ["askvideo.queue.consumers", "askvideo.queue.dead_lettered", "askvideo.queue.oldest_pending_age", "askvideo.queue.pending",
                "askvideo.queue.stream_length", "askvideo.queue.waiting_for_retry"],
            GaugeNames(meters));
        Assert.Equal(0, ReadGauge(meters, "askvideo.queue.waiting_for_retry"));
    }

    /// <summary>The queue gauges this API's meters publish.</summary>
    private static List<string> GaugeNames(IMeterFactory meters)
    {
        var names = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Name.StartsWith("askvideo.queue.", StringComparison.Ordinal) && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                names.Add(instrument.Name);
            }
        };
        listener.Start();
        return [.. names.Order(StringComparer.Ordinal)];
    }

    /// <summary>Collects the gauge once, from this API's meters only (other tests' APIs share the process).</summary>
    private static double? ReadGauge(IMeterFactory meters, string name)
    {
        double? value = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == name && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, measurement, _, _) => value = measurement);
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }
}
