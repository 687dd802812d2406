namespace RnnEngine.Cli.Commands;

/// <summary>
/// Checks an output path before any work starts, so a run never trains for minutes and then fails to write: the
/// path must not be a directory, its folder must exist, and it must not be one of the command's inputs (a model or a
/// data file overwritten by its own scores). <see cref="Lock"/> keeps a second process from writing the same output.
/// </summary>
public static class OutputPath
{
    /// <param name="inputs">(flag, path) of every file the command reads; null paths are skipped</param>
    public static void Check(string flag, string path, params (string Flag, string? Path)[] inputs)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UsageException($"{flag} {path} is a directory: give a file name");
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder)) throw new UsageException($"{flag} {path}: the folder {folder} does not exist");
        foreach ((string inputFlag, string? input) in inputs)
            if (input is not null && string.Equals(Path.GetFullPath(input), full, StringComparison.Ordinal))
                throw new UsageException($"{flag} {path} is also the {inputFlag} input: give another output path");
    }

    /// <summary>
    /// Holds PATH.lock open without sharing until disposed (and deletes it then), so a second writer of the same
    /// output is refused at once. A lock file left by a killed process holds nothing and is taken over.
    /// </summary>
    public static IDisposable Lock(string flag, string path)
    {
        string lockPath = Path.GetFullPath(path) + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException)
        {
            throw new UsageException($"{flag} {path} is being written by another rnnengine process ({lockPath} is held)");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"{flag} {path}: cannot write beside it ({e.Message})");
        }
    }
}
