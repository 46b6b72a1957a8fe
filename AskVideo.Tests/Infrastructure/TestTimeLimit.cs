using System.Collections.Concurrent;
using System.Reflection;
using Xunit.v3;

[assembly: AskVideo.Tests.Infrastructure.TestTimeLimit(Minutes = 5)]

namespace AskVideo.Tests.Infrastructure;

/// <summary>
/// Every test without a <c>Timeout</c> of its own has its <see cref="TestContext.CancellationToken"/>
/// cancelled after this long, so a hang (a stream read to an end that never comes, a job that never
/// finishes) fails that test instead of stalling the whole run. Tests pass that token to every wait.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class TestTimeLimitAttribute : BeforeAfterTestAttribute
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _timers = new();

    public int Minutes { get; set; } = 5;

    public override void Before(MethodInfo methodUnderTest, IXunitTest test)
    {
        if (test.Timeout > 0)
        {
            return; // The test's own limit applies.
        }
        var context = TestContext.Current;
        var timer = new CancellationTokenSource(TimeSpan.FromMinutes(Minutes));
        timer.Token.Register(() =>
        {
            context.SendDiagnosticMessage($"{test.TestDisplayName} ran past its {Minutes}-minute limit and is cancelled.");
            context.CancelCurrentTest();
        });
        _timers[test.UniqueID] = timer;
    }

    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        if (_timers.TryRemove(test.UniqueID, out var timer))
        {
            timer.Dispose();
        }
    }
}
