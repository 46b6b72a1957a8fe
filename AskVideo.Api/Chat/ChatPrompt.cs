using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace AskVideo.Api.Chat;

/// <summary>What the chat model is told. Built on the server only: clients cannot send system messages.</summary>
public static class ChatPrompt
{
    private const string Rules = """
        You answer questions about a group of videos. Use only the numbered passages below, which are
        parts of the videos' transcripts, each with the video's title and the time it covers.

        Rules:
        - Use only what the passages say. If they do not cover the question, say so plainly and do not guess.
        - Put the passage number in square brackets right after each claim it supports, like this [2].
        - Use only the numbers of the passages listed below. Never invent a passage number.
        - Answer in the language of the question.
        - Be concise.
        """;

    /// <summary>The system message: the rules, then each passage as <c>[n] text</c> under its title and times.</summary>
    public static string System(IReadOnlyList<ChatCitation> passages)
    {
        var prompt = new StringBuilder(Rules).Append("\n\nPassages:\n");
        foreach (var p in passages)
        {
            prompt.Append(CultureInfo.InvariantCulture,
                $"\nFrom \"{OneLine(p.Title)}\", {ChatApi.Clock(p.Start)}–{ChatApi.Clock(p.End)}:\n[{p.N}] {OneLine(p.Quote)}\n");
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
