using System.Text.Json;

namespace RnnEngine.Models.Data.Seeds;

/// <summary>
/// Seed 004's token vocabulary (data/kernel_events_seed004/event_vocabulary.json, extracted from its Keras
/// Tokenizer): 96 tokens with ids 1..96 and 0 for padding, so 97 ids in all. A token is the lower-cased concatenation
/// of a kernel event's class and event, e.g. COMM + SND_MESSAGE -> "commsnd_message". Id 1 is the tokenizer's
/// out-of-vocabulary token (spelt "400"), id 2 is "&lt;start&gt;".
/// </summary>
public sealed class KernelEventVocabulary
{
    public const int Padding = 0;
    public const string StartToken = "<start>";
    private const string ResourceName = "RnnEngine.Models.Seeds.event_vocabulary.json";

    private readonly Dictionary<string, int> ids;
    private readonly string[] tokens;

    public int OovId { get; }
    public int StartId { get; }
    /// <summary>Number of ids including padding (97 for seed 004): the embedding and output size.</summary>
    public int Size => tokens.Length;

    private KernelEventVocabulary(Dictionary<string, int> ids, int oovId)
    {
        this.ids = ids;
        tokens = new string[ids.Values.Max() + 1];
        tokens[Padding] = "";
        foreach ((string t, int i) in ids) tokens[i] = t;
        OovId = oovId;
        StartId = ids.TryGetValue(StartToken, out int s) ? s : -1;
    }

    public static string TokenOf(string eventClass, string eventName) => (eventClass + eventName).ToLowerInvariant();

    public bool TryGet(string token, out int id) => ids.TryGetValue(token, out id);

    /// <summary>The id of a token, or <see cref="OovId"/> when the token was never seen in training.</summary>
    public int Lookup(string token) => ids.TryGetValue(token, out int id) ? id : OovId;

    public string Token(int id) => tokens[id];

    /// <summary>The copy bundled with the library (the same file as data/kernel_events_seed004/event_vocabulary.json).</summary>
    public static KernelEventVocabulary LoadBundled()
    {
        using Stream s = typeof(KernelEventVocabulary).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"resource {ResourceName} missing from the build");
        using var doc = JsonDocument.Parse(s);
        return FromJson(doc.RootElement, "event_vocabulary.json (bundled)");
    }

    public static KernelEventVocabulary Load(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, null, "file not found");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return FromJson(doc.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, e.LineNumber is long l ? (int)l + 1 : null, null, "invalid JSON", e);
        }
    }

    /// <summary>The same JSON shape <see cref="Load"/> reads, so a detector checkpoint can carry its vocabulary.</summary>
    public string ToJson()
    {
        var list = ids.OrderBy(p => p.Value).Select(p => new Dictionary<string, object> { ["token"] = p.Key, ["index"] = p.Value });
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["oov_token"] = tokens[OovId], ["tokens"] = list });
    }

    /// <summary>A vocabulary from JSON text (<see cref="ToJson"/>); <paramref name="source"/> names it in errors.</summary>
    public static KernelEventVocabulary Parse(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return FromJson(doc.RootElement, source);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(source, null, null, "invalid vocabulary JSON: " + e.Message, e);
        }
    }

    private static KernelEventVocabulary FromJson(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tokens", out JsonElement list) || list.ValueKind != JsonValueKind.Array)
            throw new DataFormatException(path, null, "'tokens'", "missing column: expected {\"oov_token\": ..., \"tokens\": [{\"token\": ..., \"index\": ...}, ...]}");
        string? oov = root.TryGetProperty("oov_token", out JsonElement o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        var ids = new Dictionary<string, int>();
        var used = new HashSet<int>();
        int row = 0;
        foreach (JsonElement e in list.EnumerateArray())
        {
            row++;
            string? token = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("token", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (token is null) throw new DataFormatException(path, row, "'token'", "expected a string token");
            if (!(e.TryGetProperty("index", out JsonElement ix) && ix.ValueKind == JsonValueKind.Number && ix.TryGetInt32(out int index) && index > Padding))
                throw new DataFormatException(path, row, "'index'", $"expected a positive integer index for token '{token}'");
            if (!used.Add(index) || !ids.TryAdd(token, index))
                throw new DataFormatException(path, row, "'index'", $"token '{token}' or index {index} appears twice");
        }
        if (ids.Count == 0) throw new DataFormatException(path, null, "'tokens'", "no tokens");
        if (oov is null || !ids.TryGetValue(oov, out int oovId))
            throw new DataFormatException(path, null, "'oov_token'", "missing column: expected the oov_token to be one of the tokens");
        return new KernelEventVocabulary(ids, oovId);
    }
}
