using System.IO.MemoryMappedFiles;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AskVideo.Core.Search;

/// <summary>Where the English thesaurus is read from, and how far a question's words reach into it.</summary>
public sealed class ThesaurusOptions
{
    public const string Section = "Thesaurus";

    /// <summary>
    /// The folder of a WordNet 3 database (<c>index.noun</c>, <c>data.noun</c>, …). Unset: the
    /// copy published with the Api (<c>wordnet/</c> beside it, in a container image), else the one
    /// Debian's <c>wordnet-base</c> installs at <c>/usr/share/wordnet</c>. Empty, or a folder
    /// without it: questions are searched by their own words only.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Where the database is read from: <see cref="Path"/>, or where it is found when unset.</summary>
    public string Folder => Path ?? new[] { System.IO.Path.Combine(AppContext.BaseDirectory, "wordnet"), "/usr/share/wordnet" }
        .FirstOrDefault(folder => File.Exists(System.IO.Path.Combine(folder, "index.noun"))) ?? "/usr/share/wordnet";

    /// <summary>The commonest senses of a word (per part of speech) whose synonyms count.</summary>
    public int Senses { get; set; } = 2;

    /// <summary>
    /// What a related word found in a moment counts for, as a share of the weight of the question's
    /// word it stands for (at most its own weight): a synonym is weaker evidence than the word said.
    /// </summary>
    public double Share { get; set; } = DefaultShare;

    public const double DefaultShare = 0.5;
}

/// <summary>
/// English words related to a question's word, from a WordNet database on disk: the other words of
/// its commonest senses, the words derived from it ("invent" and "invention"), and the broader
/// words of its commonest sense ("proverb" and "saying"). A person asks in their own words and a
/// speaker says the thing in theirs; these let a question find the moment that says "saying" when
/// it asks for a "proverb". The database is opened at the first question: its sorted index and
/// exception files (6 MB) are read into memory and searched by halves, and its data files (22 MB)
/// are mapped, each synset read where the index points.
/// </summary>
public sealed class Thesaurus : IDisposable
{
    private static readonly string[] Parts = ["noun", "verb", "adj", "adv"];

    /// <summary>WordNet's rules for finding a word's base form by its ending, per part of speech.</summary>
    private static readonly (string Ending, string Base)[][] Endings =
    [
        [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")],
        [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
        [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
        [],
    ];

    /// <summary>Most related words returned for one word.</summary>
    public const int MaxRelated = 24;

    /// <summary>Words whose related words are kept, so that a word asked often is looked up once.</summary>
    private const int MaxCached = 20_000;

    private readonly ThesaurusOptions options;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<string>> cache = new(StringComparer.Ordinal);
    private readonly Lazy<Database?> database;

    private readonly ILogger<Thesaurus> logger;
    private bool malformedLogged;

    public Thesaurus(IOptions<ThesaurusOptions> options, ILogger<Thesaurus> logger)
    {
        this.options = options.Value;
        this.logger = logger;
        database = new(() => Database.Open(this.options.Folder, logger), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>True when a WordNet database was found at <see cref="ThesaurusOptions.Folder"/>.</summary>
    public bool Available => database.Value is not null;

    /// <summary>The share of a question word's weight that a related word found counts for.</summary>
    public double Share => options.Share;

    /// <summary>
    /// Single words related to <paramref name="word"/> (an English word in any inflection, lower
    /// case), not including the word and its base forms; empty when the database has no such word
    /// or there is no database.
    /// </summary>
    public IReadOnlyList<string> Related(string word)
    {
        if (database.Value is null || word.Length is < 2 or > 40 || !word.All(c => c is >= 'a' and <= 'z' or '-'))
        {
            return [];
        }
        if (cache.TryGetValue(word, out var known))
        {
            return known;
        }
        if (cache.Count >= MaxCached)
        {
            cache.Clear();
        }
        try
        {
            return cache[word] = Find(database.Value, word);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or IndexOutOfRangeException or ArgumentException)
        {
            // A database in another format than WordNet 3's: the question is searched by its own words.
            if (!malformedLogged)
            {
                malformedLogged = true;
                logger.LogWarning(ex, "The WordNet database at '{Path}' could not be read as WordNet 3; questions are searched without related words.", options.Folder);
            }
            return [];
        }
    }

    private IReadOnlyList<string> Find(Database db, string word)
    {
        var own = new HashSet<string>(StringComparer.Ordinal) { word };
        var related = new List<string>();
        void Add(string candidate)
        {
            if (!own.Contains(candidate) && !candidate.Contains('_') && !related.Contains(candidate))
            {
                related.Add(candidate);
            }
        }
        for (var part = 0; part < Parts.Length; part++)
        {
            foreach (var (lemma, offsets) in db.Lemmas(word, part))
            {
                own.Add(lemma);
                var senses = offsets.Take(options.Senses).ToList();
                for (var sense = 0; sense < senses.Count; sense++)
                {
                    var synset = db.Synset(part, senses[sense]);
                    var position = synset.Words.IndexOf(lemma);
                    synset.Words.ForEach(Add);
                    foreach (var pointer in synset.Pointers)
                    {
                        // Derived forms of this very word; for its commonest sense, the broader words of a
                        // noun ("proverb": "saying") and the similar words of an adjective. A verb's broader
                        // words are loose ("devour": "destroy") and measured no better (docs/benchmarks.md).
                        if (pointer.Symbol == "+" && pointer.Source == position + 1)
                        {
                            var target = db.Synset(pointer.Part, pointer.Offset).Words;
                            if (pointer.Target >= 1 && pointer.Target <= target.Count)
                            {
                                Add(target[pointer.Target - 1]);
                            }
                        }
                        else if (sense == 0 && ((pointer.Symbol == "@" && part == 0) || pointer.Symbol == "&"))
                        {
                            db.Synset(pointer.Part, pointer.Offset).Words.ForEach(Add);
                        }
                    }
                }
            }
        }
        return related.Count > MaxRelated ? related[..MaxRelated] : related;
    }

    public void Dispose()
    {
        if (database.IsValueCreated)
        {
            database.Value?.Dispose();
        }
    }

    private sealed record Pointer(string Symbol, long Offset, int Part, int Source, int Target);

    private sealed record Synset(List<string> Words, List<Pointer> Pointers);

    /// <summary>The mapped files of one WordNet database: per part of speech its index, data and exceptions.</summary>
    private sealed class Database : IDisposable
    {
        private readonly SortedLines[] index;
        private readonly SortedLines[] exceptions;
        private readonly MappedFile[] data;

        private Database(SortedLines[] index, SortedLines[] exceptions, MappedFile[] data) =>
            (this.index, this.exceptions, this.data) = (index, exceptions, data);

        public static Database? Open(string path, ILogger logger)
        {
            if (string.IsNullOrEmpty(path) || !Parts.All(p => File.Exists(System.IO.Path.Combine(path, $"index.{p}")) && File.Exists(System.IO.Path.Combine(path, $"data.{p}"))))
            {
                logger.LogWarning("No WordNet database at '{Path}': questions are searched by their own words only, with no synonyms.", path);
                return null;
            }
            try
            {
                return new Database(
                    [.. Parts.Select(p => SortedLines.Read(System.IO.Path.Combine(path, $"index.{p}")))],
                    [.. Parts.Select(p => SortedLines.Read(System.IO.Path.Combine(path, $"{p}.exc")))],
                    [.. Parts.Select(p => new MappedFile(System.IO.Path.Combine(path, $"data.{p}")))]);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "The WordNet database at '{Path}' could not be read: questions are searched by their own words only.", path);
                return null;
            }
        }

        /// <summary>
        /// The forms of <paramref name="word"/> that the index holds as a lemma of <paramref name="part"/>
        /// (WordNet's "morphy"), each with the synset offsets of its senses, commonest first.
        /// </summary>
        public IEnumerable<(string Lemma, IEnumerable<long> Senses)> Lemmas(string word, int part)
        {
            var forms = new List<string>();
            if (exceptions[part].Find(word) is { } exception)
            {
                forms.AddRange(exception.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1));
            }
            forms.Add(word);
            forms.AddRange(Endings[part].Where(e => word.EndsWith(e.Ending, StringComparison.Ordinal) && word.Length > e.Ending.Length + 1)
                .Select(e => word[..^e.Ending.Length] + e.Base));
            foreach (var form in forms.Distinct(StringComparer.Ordinal))
            {
                if (index[part].Find(form) is { } line)
                {
                    // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    yield return (form, fields.Skip(4 + int.Parse(fields[3]) + 2).Select(long.Parse));
                }
            }
        }

        public Synset Synset(int part, long offset)
        {
            // offset lex_filenum ss_type w_cnt word lex_id ... p_cnt [ptr offset pos source/target]... | gloss
            var fields = data[part].LineAt(offset).Split('|')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var count = Convert.ToInt32(fields[3], 16);
            var words = Enumerable.Range(0, count).Select(i => Lemma(fields[4 + 2 * i])).ToList();
            var at = 4 + 2 * count;
            var pointers = new List<Pointer>();
            for (var i = 0; i < int.Parse(fields[at]); i++)
            {
                var p = at + 1 + 4 * i;
                var partOf = fields[p + 2] switch { "n" => 0, "v" => 1, "a" or "s" => 2, _ => 3 };
                var sourceTarget = fields[p + 3];
                pointers.Add(new(fields[p], long.Parse(fields[p + 1]), partOf,
                    Convert.ToInt32(sourceTarget[..2], 16), Convert.ToInt32(sourceTarget[2..], 16)));
            }
            return new(words, pointers);
        }

        /// <summary>A word as a synset writes it, lower case, without an adjective's position marker ("sign(a)").</summary>
        private static string Lemma(string word)
        {
            var marker = word.IndexOf('(');
            return (marker > 0 ? word[..marker] : word).ToLowerInvariant();
        }

        public void Dispose()
        {
            foreach (var file in data)
            {
                file.Dispose();
            }
        }
    }

    /// <summary>A read-only file mapped into memory.</summary>
    private sealed class MappedFile : IDisposable
    {
        private readonly MemoryMappedFile? file;
        private readonly MemoryMappedViewAccessor? view;

        public MappedFile(string path)
        {
            Length = File.Exists(path) ? new FileInfo(path).Length : 0;
            if (Length > 0)
            {
                file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
                view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            }
        }

        public long Length { get; }

        /// <summary>The line that starts at <paramref name="offset"/>, without its line break.</summary>
        public string LineAt(long offset)
        {
            var buffer = new byte[1024];
            while (true)
            {
                var read = view!.ReadArray(offset, buffer, 0, (int)Math.Min(buffer.Length, Length - offset));
                var end = buffer.AsSpan(0, read).IndexOf((byte)'\n');
                if (end >= 0 || offset + read >= Length)
                {
                    return Encoding.Latin1.GetString(buffer, 0, end >= 0 ? end : read);
                }
                buffer = new byte[buffer.Length * 2];
            }
        }

        public void Dispose()
        {
            view?.Dispose();
            file?.Dispose();
        }
    }

    /// <summary>
    /// A file of lines sorted by their first word (WordNet's index and exception files, 6 MB in
    /// all), read into memory and searched by halves.
    /// </summary>
    private sealed class SortedLines(byte[] bytes)
    {
        public static SortedLines Read(string path) => new(File.Exists(path) ? File.ReadAllBytes(path) : []);

        /// <summary>The line whose first word is <paramref name="key"/>, or null.</summary>
        public string? Find(string key)
        {
            Span<byte> keyBytes = stackalloc byte[Encoding.Latin1.GetMaxByteCount(key.Length)];
            keyBytes = keyBytes[..Encoding.Latin1.GetBytes(key, keyBytes)];
            var (low, high) = (0, bytes.Length);
            while (low < high)
            {
                var middle = low + (high - low) / 2;
                var start = bytes.AsSpan(0, middle).LastIndexOf((byte)'\n') + 1;
                var length = bytes.AsSpan(start).IndexOf((byte)'\n');
                var line = bytes.AsSpan(start, length < 0 ? bytes.Length - start : length);
                var order = Compare(line, keyBytes);
                if (order == 0)
                {
                    return Encoding.Latin1.GetString(line);
                }
                if (order < 0)
                {
                    low = start + line.Length + 1;
                }
                else
                {
                    high = start;
                }
            }
            return null;
        }

        /// <summary>A line's first word against the key; licence lines (starting with a space) sort first.</summary>
        private static int Compare(ReadOnlySpan<byte> line, ReadOnlySpan<byte> key)
        {
            if (line.IsEmpty || line[0] == (byte)' ')
            {
                return -1;
            }
            var space = line.IndexOf((byte)' ');
            return (space < 0 ? line : line[..space]).SequenceCompareTo(key);
        }
    }
}
