namespace AskVideo.AppHost;

/// <summary>Console lines, each prefixed with its source: <c>[apphost]</c>, <c>[api]</c>, <c>[worker]</c>.</summary>
internal static class Output
{
    public static void Info(string message) => Line("apphost", message);

    public static void Error(string message) => Line("apphost", "error: " + message);

    // Console.Out is synchronized, so lines from several children never interleave mid-line.
    public static void Line(string source, string text) => Console.Out.WriteLine($"[{source}] {text}");
}
