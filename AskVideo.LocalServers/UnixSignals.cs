using System.Runtime.InteropServices;

namespace AskVideo.LocalServers;

/// <summary>Sends POSIX signals; .NET itself can only send SIGKILL to another process.</summary>
internal static class UnixSignals
{
    public const int Interrupt = 2;  // SIGINT
    public const int Quit = 3;       // SIGQUIT
    public const int Terminate = 15; // SIGTERM

    public static bool Send(int pid, int signal) => SendSignal(pid, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
