namespace AutoDesign.Modeling.Data;

/// <summary>A data file that is not what it claims to be; the message names the file and the problem.</summary>
public sealed class DataFormatException(string file, string problem) : Exception($"{file}: {problem}")
{
    public string File { get; } = file;

    public string Problem { get; } = problem;
}
