using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AskVideo.ServiceDefaults;

/// <summary>The application's own ActivitySource and Meter, exported beside the framework's.</summary>
public static class Telemetry
{
    public const string Name = "AskVideo";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);
}
