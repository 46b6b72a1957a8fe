using AskVideo.Core.Search;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AskVideo.Tests.Search;

/// <summary>
/// The English thesaurus, read from the WordNet database that <c>scripts/setup.sh</c> installs
/// (Debian's <c>wordnet-base</c>).
/// </summary>
public sealed class ThesaurusTests : IDisposable
{
    private readonly Thesaurus thesaurus = new(Options.Create(new ThesaurusOptions()), NullLogger<Thesaurus>.Instance);

    public void Dispose() => thesaurus.Dispose();

    [Fact]
    public void The_database_installed_by_setup_is_found()
    {
        Assert.True(thesaurus.Available, $"no WordNet database at {new ThesaurusOptions().Folder}; scripts/setup.sh installs wordnet-base");
    }

    [Theory]
    [InlineData("custodians", "keeper")]
    [InlineData("final", "last")]
    [InlineData("proverb", "saying")]
    [InlineData("invented", "invention")]
    [InlineData("founded", "establish")]
    public void An_inflected_word_brings_its_synonyms_derived_forms_and_broader_nouns(string word, string related)
    {
        Assert.Contains(related, thesaurus.Related(word));
    }

    [Fact]
    public void The_related_words_leave_out_the_word_itself_its_base_form_and_phrases()
    {
        var related = thesaurus.Related("custodians");

        Assert.DoesNotContain("custodians", related);
        Assert.DoesNotContain("custodian", related);
        Assert.All(related, r => Assert.DoesNotContain('_', r));
        Assert.InRange(related.Count, 1, Thesaurus.MaxRelated);
    }

    [Fact]
    public void A_verb_does_not_bring_its_broader_verbs()
    {
        // To devour is a kind of destroying; a question about devouring is not about everything destroyed.
        Assert.DoesNotContain("destroy", thesaurus.Related("devour"));
    }

    [Theory]
    [InlineData("zsh")]
    [InlineData("dpkg")]
    [InlineData("a")]
    [InlineData("Keeper")]
    [InlineData("über")]
    public void A_word_outside_the_dictionary_or_not_in_lower_case_letters_has_no_related_words(string word)
    {
        Assert.Empty(thesaurus.Related(word));
    }

    [Fact]
    public void Without_a_database_there_are_no_related_words_and_nothing_fails()
    {
        using var none = new Thesaurus(
            Options.Create(new ThesaurusOptions { Path = Path.Combine(Path.GetTempPath(), $"no-wordnet-{Guid.NewGuid():N}") }),
            NullLogger<Thesaurus>.Instance);

        Assert.False(none.Available);
        Assert.Empty(none.Related("custodians"));
    }

    [Fact]
    public void A_database_in_another_format_gives_no_related_words_and_nothing_fails()
    {
        var folder = Directory.CreateTempSubdirectory("wordnet-other-format-").FullName;
        try
        {
            foreach (var part in new[] { "noun", "verb", "adj", "adv" })
            {
                File.WriteAllText(Path.Combine(folder, $"index.{part}"), "keeper n one two three\n");
                File.WriteAllText(Path.Combine(folder, $"data.{part}"), "not a synset\n");
            }
            using var other = new Thesaurus(Options.Create(new ThesaurusOptions { Path = folder }), NullLogger<Thesaurus>.Instance);

            Assert.True(other.Available);
            Assert.Empty(other.Related("keepers"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_question_pasted_at_length_widens_only_its_first_words()
    {
        // 200 distinct dictionary words; only the first MaxWidenedWords bring related words.
        var words = File.ReadLines(Path.Combine(new ThesaurusOptions().Folder, "index.noun"))
            .Where(l => !l.StartsWith(' ')).Select(l => l[..l.IndexOf(' ')]).Where(w => w.All(char.IsAsciiLetterLower) && w.Length > 3)
            .Where(w => thesaurus.Related(w).Count > 0).Take(200).ToList();

        var widened = QueryTerms.WidenedWords(thesaurus, string.Join(' ', words));

        Assert.Equal(words.Take(QueryTerms.MaxWidenedWords), widened.Select(p => p.Word).Distinct());
    }
}
