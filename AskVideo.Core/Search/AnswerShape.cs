using System.Text.RegularExpressions;

namespace AskVideo.Core.Search;

/// <summary>What a question's own words say its answer looks like.</summary>
public enum AnswerKind
{
    /// <summary>Nothing in the question says.</summary>
    Any,

    /// <summary>A number: "how many", "how much", "how long", "what year", "何人", "いくつ".</summary>
    Quantity,

    /// <summary>A person: "who", "whom", "whose".</summary>
    Person,
}

/// <summary>
/// The expected answer type of classic question answering: a question asking "how many" is
/// answered by a sentence holding a number, one asking "who" by a sentence naming someone. It
/// breaks ties between moments that hold the question's words equally, and it never decides
/// whether the videos cover a question.
/// </summary>
public static partial class AnswerShape
{
    public static AnswerKind Of(string question)
    {
        if (QuantityQuestion().IsMatch(question))
        {
            return AnswerKind.Quantity;
        }
        return PersonQuestion().IsMatch(question) ? AnswerKind.Person : AnswerKind.Any;
    }

    /// <summary>
    /// Whether <paramref name="text"/> has the shape: a number for a quantity; for a person, two
    /// capitalised words in a row (a given name and a family name) that the question does not say.
    /// </summary>
    public static bool Fits(AnswerKind kind, string text, string question) => Fits(kind, text, WordsOf(question));

    /// <summary><see cref="Fits(AnswerKind, string, string)"/> with the question's words read once (<see cref="WordsOf"/>), for many texts.</summary>
    public static bool Fits(AnswerKind kind, string text, IReadOnlySet<string> questionWords) => kind switch
    {
        AnswerKind.Quantity => Number().IsMatch(text),
        AnswerKind.Person => Names().Matches(text).Any(m => !questionWords.Contains(m.Groups[1].Value) && !questionWords.Contains(m.Groups[2].Value)),
        _ => false,
    };

    /// <summary>The words of a question, compared without case.</summary>
    public static IReadOnlySet<string> WordsOf(string question) =>
        Word().Matches(question).Select(m => m.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex(@"\w+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    [GeneratedRegex(@"\bhow\s+(many|much|long|old|often|big|large|far|fast)\b|\b(what|which)\s+(year|percentage|share)\b|いくつ|何人|何個|何件|何年|何回|何パーセント|どれ(くらい|ぐらい|だけ)|どの(くらい|ぐらい)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QuantityQuestion();

    [GeneratedRegex(@"^\s*(who|whom|whose)\b|[,;]\s*(who|whom|whose)\b|誰|だれ", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PersonQuestion();

    [GeneratedRegex(@"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen)s?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"(?<![.!?]\s|^)\b(\p{Lu}\p{Ll}+)\s+(\p{Lu}\p{Ll}+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Names();
}
