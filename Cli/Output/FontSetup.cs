using ScottPlot;
using SkiaSharp;

namespace RnnEngine.Cli.Output;

/// <summary>
/// Picks the typeface of every plot once per process. SkiaSharp's Linux build without dependencies reads fonts only
/// from /usr/share/fonts, and on a machine with none there every label renders empty; so a sans font found there is
/// used, and otherwise the DejaVu Sans subset embedded in this assembly (Cli/Fonts, licence beside it).
/// </summary>
internal static class FontSetup
{
    /// <summary>The family name the embedded font answers to; unlike any installed family, so no system font shadows it.</summary>
    public const string EmbeddedFamily = "RnnEngine DejaVu Sans";

    // ScottPlot's own default is SkiaSharp's default typeface, which on Debian is DejaVu Serif: a sans reads better on a chart.
    private static readonly string[] SansFamilies = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Open Sans", "Arial", "Helvetica", "Segoe UI"];

    private static readonly Lazy<string> Chosen = new(Choose);

    /// <summary>The family in use; call before building a plot, since ScottPlot labels take the default font when created.</summary>
    public static string Ensure() => Chosen.Value;

    private static string Choose()
    {
        Fonts.FontResolvers.Insert(0, new EmbeddedResolver());
        string family = SansFamilies.FirstOrDefault(Renders) ?? EmbeddedFamily;
        Fonts.Default = family;
        return family;
    }

    private static bool Renders(string family)
    {
        using SKTypeface? typeface = SKFontManager.Default.MatchFamily(family);
        return typeface is not null && typeface.GlyphCount > 0 && typeface.ContainsGlyphs("Score 0.5 row");
    }

    private static readonly Lazy<byte[]> Regular = new(() => Resource("DejaVuSans.ttf"));
    private static readonly Lazy<byte[]> Bold = new(() => Resource("DejaVuSans-Bold.ttf"));

    /// <summary>A new typeface of the embedded font (the caller disposes it).</summary>
    internal static SKTypeface Embedded(bool bold)
    {
        using var data = SKData.CreateCopy(bold ? Bold.Value : Regular.Value);
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException("the embedded plot font does not load");
    }

    private static byte[] Resource(string file)
    {
        using Stream stream = typeof(FontSetup).Assembly.GetManifestResourceStream("RnnEngine.Cli.Fonts." + file)
            ?? throw new InvalidOperationException($"the plot font {file} is not embedded in {typeof(FontSetup).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private sealed class EmbeddedResolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == EmbeddedFamily ? Embedded(bold) : null;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == EmbeddedFamily ? Embedded(weight >= FontWeight.SemiBold) : null;
    }
}
