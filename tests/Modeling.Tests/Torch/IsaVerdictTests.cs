using AutoDesign.Modeling.Torch;

namespace AutoDesign.Modeling.Tests.Torch;

public sealed class IsaVerdictTests : IDisposable
{
    private readonly DataFolder _folder = new(Directory.CreateTempSubdirectory("autodesign-isa-").FullName);

    public void Dispose() => Directory.Delete(_folder.Root, recursive: true);

    [Fact]
    public void A_verdict_round_trips_through_the_data_folder()
    {
        var verdict = new IsaVerdict("ALL", 8.7e-7, "40->64 5x5 stride 1", "AMD EPYC", DateTimeOffset.UnixEpoch);

        verdict.Write(_folder);

        Assert.Equal(verdict, IsaVerdict.Read(_folder));
    }

    [Fact]
    public void The_verdict_of_a_check_whose_kernels_overflowed_is_kept_too()
    {
        // As on a CPU whose uncapped kernels give infinities: the safe cap is remembered, not checked at every start.
        var verdict = new IsaVerdict(TorchRuntime.SafeIsa, double.PositiveInfinity, "40->64 5x5 stride 1", "Intel Xeon", DateTimeOffset.UnixEpoch);

        verdict.Write(_folder);

        Assert.Equal(verdict, IsaVerdict.Read(_folder));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"Isa\":\"AVX9000\",\"Error\":0,\"Shape\":\"\",\"Cpu\":\"\",\"CheckedAt\":\"2026-01-01T00:00:00Z\"}")] // no cap oneDNN knows as safe or checked
    public void A_verdict_that_is_not_one_counts_as_none(string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(IsaVerdict.FileFor(_folder))!);
        File.WriteAllText(IsaVerdict.FileFor(_folder), text);

        Assert.Null(IsaVerdict.Read(_folder));
    }

    [Theory]
    [InlineData("/dev/zero")]       // not a regular file: never read, so it cannot hang the start
    [InlineData("/etc/passwd")]     // a file that is no verdict
    public void A_link_in_the_verdicts_place_gives_no_verdict(string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(IsaVerdict.FileFor(_folder))!);
        File.CreateSymbolicLink(IsaVerdict.FileFor(_folder), target);

        Assert.Null(IsaVerdict.Read(_folder));
    }
}
