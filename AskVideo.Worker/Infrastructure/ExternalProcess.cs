using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace AskVideo.Worker.Infrastructure;

public sealed class ExternalProcessException(string message) : Exception(message);

/// <summary>Runs command-line tools (ffmpeg, pocketsphinx) and kills them when the job is cancelled.</summary>
public static class ExternalProcess
{
    /// <summary>Runs <paramref name="program"/> to its end and returns its standard output.</summary>
    /// <exception cref="ExternalProcessException">It is missing, or exited with an error.</exception>
    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new ExternalProcessException($"{program} could not be started: {ex.Message}");
        }
        process.StandardInput.Close();

        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }

        var stdout = await output;
        var stderr = await errors;
        if (process.ExitCode != 0)
        {
            throw new ExternalProcessException($"{program} exited with code {process.ExitCode}: {Tail(stderr)}");
        }
        return stdout;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string Tail(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 1000 ? trimmed : new StringBuilder("...").Append(trimmed.AsSpan(trimmed.Length - 1000)).ToString();
    }
}
