using System.Diagnostics;
using AutoDesign.Modeling.Inputs;

namespace AutoDesign.Modeling.Tests.Inputs;

public sealed class InputFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("autodesign-inputs-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("autodesign-outside-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    private InputFiles Confined(params string[] extraRoots) => new DataFolder(_root) { Access = InputAccess.Within([_root, .. extraRoots]) }.Inputs;

    private static readonly InputFormat Text = new("a text", 100);

    [Fact]
    public void A_confined_caller_reads_files_in_the_data_folder_relative_to_it()
    {
        File.WriteAllText(Path.Combine(_root, "table.csv"), "a,b\n1,2\n");

        Assert.Equal("a,b\n1,2\n", Confined().ReadText("table.csv", Text));
        Assert.Equal("a,b\n1,2\n", Confined().ReadText(Path.Combine(_root, "table.csv"), Text));
        Assert.Null(Confined().FindFile("missing.csv", Text));
    }

    [Fact]
    public void Outside_the_roots_a_path_is_refused_with_the_same_words_whether_it_exists_or_not()
    {
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "root:x:0:0");
        string there = Path.Combine(_outside, "secret.txt"), notThere = Path.Combine(_outside, "nothing.txt");

        var existing = Assert.Throws<InputFileException>(() => Confined().ReadText(there, Text));
        var missing = Assert.Throws<InputFileException>(() => Confined().FindFile(notThere, Text));

        Assert.Contains("is not allowed", existing.Message);
        Assert.Equal(existing.Message.Replace(there, "P"), missing.Message.Replace(notThere, "P"));
        Assert.DoesNotContain("root:x", existing.Message);
        Assert.Throws<InputFileException>(() => Confined().File("/etc/passwd", Text));
        Assert.Throws<InputFileException>(() => Confined().File("../" + Path.GetFileName(_outside) + "/secret.txt", Text));
        Assert.Throws<InputFileException>(() => Confined().Directory("/etc"));
    }

    [Fact]
    public void A_link_inside_the_data_folder_that_leads_out_of_it_is_refused()
    {
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "x");
        File.CreateSymbolicLink(Path.Combine(_root, "file-link"), Path.Combine(_outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "folder-link"), _outside);

        Assert.Contains("not allowed", Assert.Throws<InputFileException>(() => Confined().File("file-link", Text)).Message);
        Assert.Contains("not allowed", Assert.Throws<InputFileException>(() => Confined().File("folder-link/secret.txt", Text)).Message);
        Assert.Contains("not allowed", Assert.Throws<InputFileException>(() => Confined().FindFile("folder-link/nothing.txt", Text)).Message);
    }

    [Fact]
    public void An_allowed_root_is_read_but_only_its_regular_files_within_the_size_limit()
    {
        File.WriteAllText(Path.Combine(_outside, "small.txt"), "hello");
        File.WriteAllText(Path.Combine(_outside, "large.txt"), new string('x', 101));
        string fifo = Path.Combine(_outside, "pipe");
        Process.Start("mkfifo", fifo).WaitForExit();

        Assert.Equal("hello", Confined(_outside).ReadText(Path.Combine(_outside, "small.txt"), Text));
        Assert.Contains("at most 100", Assert.Throws<InputFileException>(() => Confined(_outside).ReadText(Path.Combine(_outside, "large.txt"), Text)).Message);
        Assert.Contains("not a regular file", Assert.Throws<InputFileException>(() => Confined(_outside).File(fifo, Text)).Message);
        Assert.Contains("not a regular file", Assert.Throws<InputFileException>(() => Confined("/dev").File("/dev/zero", Text)).Message);
        Assert.Contains("not a regular file", Assert.Throws<InputFileException>(() => Confined(_outside).File(_outside, Text)).Message);
    }

    [Fact]
    public void The_command_line_reads_any_path_relative_to_the_working_directory()
    {
        File.WriteAllText(Path.Combine(_outside, "mine.txt"), "mine");
        var anywhere = new DataFolder(_root).Inputs;

        Assert.Equal("mine", anywhere.ReadText(Path.Combine(_outside, "mine.txt"), Text));
        Assert.Equal("mine", anywhere.ReadText(Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.Combine(_outside, "mine.txt")), Text));
        Assert.Null(anywhere.FindFile(Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.Combine(_outside, "none.txt")), Text));
        Assert.Contains("not a regular file", Assert.Throws<InputFileException>(() => anywhere.File("/dev/zero", Text)).Message);
    }
}
