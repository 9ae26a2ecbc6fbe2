namespace AutoDesign.Modeling.Inputs;

/// <summary>
/// The one gate every path a user names goes through before anything is read from it: it resolves the name (relative
/// to the data folder when access is confined, to the working directory otherwise), refuses what lies outside the
/// allowed roots without saying whether it exists, and reads only regular files within their format's size limit.
/// </summary>
public sealed class InputFiles(DataFolder folder)
{
    private InputAccess Access => folder.Access;

    /// <summary>The file a name stands for; <see cref="InputFileException"/> when it may not be read, is missing, or is not a file of the format's size.</summary>
    public string File(string name, InputFormat format) =>
        FindFile(name, format) ?? throw new InputFileException($"'{name}': no such file");

    /// <summary>Like <see cref="File"/>, but null when the file is not there (inside the allowed roots).</summary>
    public string? FindFile(string name, InputFormat format)
    {
        string path = Allowed(name);
        switch (FileSystemCalls.TypeOf(path, out long size))
        {
            case FileSystemCalls.FileType.Missing: return null;
            case FileSystemCalls.FileType.Regular: break;
            default: throw new InputFileException($"'{name}' is not a regular file");
        }
        return size <= format.MaxBytes
            ? path
            : throw new InputFileException($"'{name}' has {size:N0} bytes; {format.Description} may have at most {format.MaxBytes:N0}");
    }

    /// <summary>The folder a name stands for.</summary>
    public string Directory(string name) =>
        FindDirectory(name) ?? throw new InputFileException($"'{name}': no such folder");

    /// <summary>Like <see cref="Directory"/>, but null when nothing is there or it is not a folder.</summary>
    public string? FindDirectory(string name)
    {
        string path = Allowed(name);
        return FileSystemCalls.TypeOf(path, out _) == FileSystemCalls.FileType.Directory ? path : null;
    }

    public byte[] ReadBytes(string name, InputFormat format)
    {
        string path = File(name, format);
        try { return ReadBounded(name, path, format); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException) { throw new InputFileException($"'{name}' cannot be read"); }
    }

    private static byte[] ReadBounded(string name, string path, InputFormat format)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        // Read no more than the limit even if the file grew since it was measured.
        using var bounded = new MemoryStream();
        var buffer = new byte[81_920];
        int read;
        while ((read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, format.MaxBytes + 1 - bounded.Length))) > 0)
            if (bounded.Length + read > format.MaxBytes) throw new InputFileException($"'{name}' is larger than the {format.MaxBytes:N0} bytes {format.Description} may have");
            else bounded.Write(buffer, 0, read);
        return bounded.ToArray();
    }

    public string ReadText(string name, InputFormat format) => System.Text.Encoding.UTF8.GetString(ReadBytes(name, format));

    /// <summary>The full path of a name, links resolved as far as it exists; refused outside the allowed roots.</summary>
    private string Allowed(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('\0')) throw new InputFileException("a path is required");
        string full = Path.GetFullPath(name, Access.IsConfined ? folder.Root : System.IO.Directory.GetCurrentDirectory());
        string real = RealPathOfLongestExisting(full);
        return Access.Allows(full) && Access.Allows(real)
            ? real
            : throw new InputFileException($"'{name}' is not allowed: the service reads only files inside its data folder or a root listed in AutoDesign:AllowedRoots");
    }

    // A missing file's parent may still be a link that leads out of the roots.
    private static string RealPathOfLongestExisting(string full)
    {
        string? existing = full;
        var missing = new Stack<string>();
        while (existing is not null && FileSystemCalls.RealPath(existing) is null)
        {
            missing.Push(Path.GetFileName(existing));
            existing = Path.GetDirectoryName(existing);
        }
        string real = existing is null ? full : FileSystemCalls.RealPath(existing)!;
        while (missing.Count > 0) real = Path.Combine(real, missing.Pop());
        return existing is null ? full : real;
    }
}
