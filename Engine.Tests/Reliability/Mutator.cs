using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace RnnEngine.Engine.Tests.Reliability;

/// <summary>
/// Seeded mutations of valid files for the fuzz tests: truncation, bit flips, inserted delimiters, quotes and line
/// breaks, huge numbers, NaN/infinity tokens, random bytes, lines dropped or repeated, fields added or removed, and
/// (for binary files) lying 64-bit size fields and rewritten JSON numbers. One to three mutations per input.
/// </summary>
public sealed class Mutator(int seed)
{
    private readonly Random rng = new(seed);

    private static readonly string[] Tokens =
    [
        ",", ";", "\"", "\"\"", "\n", "\r\n", "\r", "\t", " ", "NaN", "-inf", "Infinity", "1e400", "-3.5e39", "1e-50",
        "99999999999999999999999", "-0", "0x1F", "1,5", "", "normal", "anomaly.", "true", "\u00e9", "\uFFFD", "\0", "label", "index",
    ];

    public int Next(int max) => rng.Next(max);

    /// <summary>A text file mutated at character level (CSV, label and score files).</summary>
    public string MutateText(string text)
    {
        var s = new StringBuilder(text);
        int n = 1 + rng.Next(3);
        for (int m = 0; m < n; m++)
        {
            int pos = s.Length == 0 ? 0 : rng.Next(s.Length + 1);
            switch (rng.Next(11))
            {
                case 0: s.Length = pos; break;                                                            // truncate
                case 1: if (pos < s.Length) s[pos] = (char)(s[pos] ^ (1 << rng.Next(7))); break;          // bit flip
                case 2: s.Insert(pos, Tokens[rng.Next(Tokens.Length)]); break;                             // delimiter, quote, newline, token
                case 3: if (pos < s.Length) s.Remove(pos, Math.Min(s.Length - pos, 1 + rng.Next(4))); break; // delete
                case 4: s.Insert(pos, RandomChars(1 + rng.Next(12))); break;                                // random bytes
                case 5: ReplaceField(s, Tokens[rng.Next(Tokens.Length)]); break;                            // NaN, huge number, ...
                case 6: ReplaceField(s, rng.Next(2) == 0 ? "1e" + rng.Next(30, 400) : (rng.NextDouble() * 1e6).ToString("R", CultureInfo.InvariantCulture)); break;
                case 7: EditLine(s, dropIt: true); break;                                                    // wrong row count
                case 8: EditLine(s, dropIt: false); break;                                                   // repeated row
                case 9: EditFirstLine(s); break;                                                             // wrong header length
                default: s.Insert(pos, rng.Next(2) == 0 ? "\"" + RandomChars(3) : "\n\n"); break;           // open quote, blank lines
            }
        }
        return s.ToString();
    }

    /// <summary>A binary file mutated at byte level, with the 64-bit header length and JSON numbers as favourite targets.</summary>
    public byte[] MutateBytes(byte[] file)
    {
        var b = new List<byte>(file);
        int n = 1 + rng.Next(3);
        for (int m = 0; m < n; m++)
        {
            int pos = b.Count == 0 ? 0 : rng.Next(b.Count);
            switch (rng.Next(9))
            {
                case 0: b.RemoveRange(pos, b.Count - pos); break;                                           // truncate
                case 1: if (b.Count > 0) b[pos] ^= (byte)(1 << rng.Next(8)); break;                         // bit flip
                case 2: b.InsertRange(pos, RandomBytes(1 + rng.Next(16))); break;                           // random bytes
                case 3: b.RemoveRange(pos, Math.Min(b.Count - pos, 1 + rng.Next(16))); break;                // delete
                case 4: LieAboutLength(b); break;                                                           // lying size field
                case 5: RewriteNumber(b); break;                                                            // shapes, offsets
                case 6: b.AddRange(RandomBytes(1 + rng.Next(64))); break;                                   // trailing bytes
                case 7: InsertAscii(b, pos, Tokens[rng.Next(Tokens.Length)]); break;                        // JSON punctuation
                default: if (b.Count > 8) for (int i = 0; i < 8; i++) b[8 + rng.Next(b.Count - 8)] = (byte)rng.Next(256); break;
            }
        }
        return [.. b];
    }

    private string RandomChars(int count)
    {
        var c = new char[count];
        for (int i = 0; i < count; i++) c[i] = (char)(rng.Next(4) == 0 ? rng.Next(0x20, 0x3000) : rng.Next(0, 128));
        return new string(c);
    }

    private byte[] RandomBytes(int count)
    {
        var r = new byte[count];
        rng.NextBytes(r);
        return r;
    }

    private void ReplaceField(StringBuilder s, string with)
    {
        string t = s.ToString();
        var bounds = new List<int> { 0 };
        for (int i = 0; i < t.Length; i++) if (t[i] is ',' or '\n' or ';') bounds.Add(i + 1);
        int start = bounds[rng.Next(bounds.Count)];
        int end = start;
        while (end < t.Length && t[end] is not (',' or '\n' or ';' or '\r')) end++;
        s.Remove(start, end - start).Insert(start, with);
    }

    private void EditLine(StringBuilder s, bool dropIt)
    {
        string[] lines = s.ToString().Split('\n');
        if (lines.Length < 2) return;
        int k = rng.Next(lines.Length);
        var list = lines.ToList();
        if (dropIt) list.RemoveAt(k);
        else list.Insert(k, lines[k]);
        s.Clear().Append(string.Join('\n', list));
    }

    private void EditFirstLine(StringBuilder s)
    {
        string t = s.ToString();
        int nl = t.IndexOf('\n');
        if (nl < 0) nl = t.Length;
        string first = t[..nl];
        string changed = rng.Next(2) == 0 ? first + ",extra" + rng.Next(3) : (first.LastIndexOf(',') is int c and > 0 ? first[..c] : "");
        s.Clear().Append(changed).Append(t.AsSpan(nl));
    }

    private void LieAboutLength(List<byte> b)
    {
        if (b.Count < 8) return;
        ulong real = BinaryPrimitives.ReadUInt64LittleEndian([.. b.GetRange(0, 8)]);
        ulong[] lies = [0, 1, 7, real - 1, real + 1, real + 8, real * 2, (ulong)b.Count, (ulong)b.Count - 8, ulong.MaxValue, long.MaxValue, 100_000_001, (ulong)rng.NextInt64()];
        Span<byte> v = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(v, lies[rng.Next(lies.Length)]);
        for (int i = 0; i < 8; i++) b[i] = v[i];
    }

    private void RewriteNumber(List<byte> b)
    {
        // Find a run of ASCII digits after the length field and replace it with another number.
        int start = 8 + (b.Count > 8 ? rng.Next(b.Count - 8) : 0);
        while (start < b.Count && !(b[start] >= '0' && b[start] <= '9')) start++;
        if (start >= b.Count) return;
        int end = start;
        while (end < b.Count && b[end] >= '0' && b[end] <= '9') end++;
        string[] numbers = ["0", "4", "-1", "2147483647", "2147483648", "4294967296", "9223372036854775807", "99999999999999999999", "1e3", "1.5", rng.Next(100000).ToString(CultureInfo.InvariantCulture)];
        b.RemoveRange(start, end - start);
        b.InsertRange(start, Encoding.ASCII.GetBytes(numbers[rng.Next(numbers.Length)]));
    }

    private static void InsertAscii(List<byte> b, int pos, string token) => b.InsertRange(Math.Min(pos, b.Count), Encoding.UTF8.GetBytes(token));
}
