using System.Diagnostics;

namespace AskVideo.Core;

/// <summary>
/// The ActivitySource of shared code; its name is the one ServiceDefaults exports
/// (<c>AskVideo</c>), so spans from Api, Worker and Core land in one trace.
/// </summary>
internal static class Telemetry
{
    public const string Name = "AskVideo";

    public static readonly ActivitySource Source = new(Name);
}
