namespace RnnEngine.Engine.Tests.Models.Seeds;

/// <summary>Paths of the hand-written files in the real seed formats (Engine.Tests/Fixtures/seeds, copied to the output).</summary>
internal static class SeedFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "seeds", name);

    public static string Text(string name) => File.ReadAllText(Path(name));
}
