using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace AskVideo.Api.Chat;

/// <summary>What the chat model is told. Built on the server only: clients cannot send system messages.</summary>
public static class ChatPrompt
{
    private const string Rules = """
        You answer questions about a group of videos. Use only the passages below, which are parts of
        the videos' transcripts. Each passage is cut into numbered moments, each with the time it is said.

        Rules:
        - Use only what the passages say. If they do not cover the question, say so plainly and do not guess.
        - Put the number of the moment that supports each claim in square brackets right after the claim, like this [2].
        - Use only the numbers of the moments listed below. Never invent a number.
        - Answer in the language of the question.
        - Be concise.
        """;

    /// <summary>The system message: the rules, then each passage under its title and times, its moments as <c>[n] (mm:ss–mm:ss) text</c>.</summary>
    public static string System(IReadOnlyList<NumberedPassage> passages)
    {
        var prompt = new StringBuilder(Rules).Append("\n\nPassages:\n");
        foreach (var p in passages)
        {
            prompt.Append(CultureInfo.InvariantCulture,
                $"\nFrom \"{OneLine(p.Title)}\", {ChatApi.Clock(p.Start)}–{ChatApi.Clock(p.End)}:\n");
            foreach (var m in p.Moments)
            {
                prompt.Append(CultureInfo.InvariantCulture, $"[{m.N}] ({ChatApi.Clock(m.Start)}–{ChatApi.Clock(m.End)}) {OneLine(m.Quote)}\n");
            }
        }
        return prompt.ToString();
    }

    /// <summary>The conversation for the answer: the system message, the latest earlier turns, then the question.</summary>
    public static List<AiChatMessage> Conversation(string system, IReadOnlyList<ChatMessage> earlier, string question) =>
    [
        new(ChatRole.System, system),
        .. earlier.Select(m => new AiChatMessage(m.Role == ChatRoles.Assistant ? ChatRole.Assistant : ChatRole.User, m.Content ?? "")),
        new(ChatRole.User, question),
    ];

    /// <summary>Asks the model to turn a follow-up ("and what about the second one?") into a question that stands alone.</summary>
    public static List<AiChatMessage> Rewrite(IReadOnlyList<ChatMessage> earlier, string question)
    {
        var transcript = new StringBuilder();
        foreach (var m in earlier)
        {
            transcript.Append(m.Role).Append(": ").Append(OneLine(m.Content ?? "")).Append('\n');
        }
        return
        [
            new(ChatRole.System,
                "Rewrite the user's follow-up question as a standalone search query that needs no earlier context, "
                + "in the language of the question. Reply with the query only."),
            new(ChatRole.User, $"Conversation so far:\n{transcript}\nFollow-up question:\n{OneLine(question)}"),
        ];
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
