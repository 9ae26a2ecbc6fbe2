namespace AutoDesign.Modeling;

/// <summary>
/// Where AutoDesign keeps what it fetches and makes: data sets, trained models, later the database.
/// Defaults to ~/.autodesign; the AUTODESIGN_DATA_DIR variable or a command's --data-dir moves it.
/// </summary>
public sealed record DataFolder(string Root)
{
    public const string EnvironmentVariable = "AUTODESIGN_DATA_DIR";

    public static DataFolder Default()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return new DataFolder(Path.GetFullPath(fromEnvironment));
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new DataFolder(Path.Combine(string.IsNullOrEmpty(home) ? Directory.GetCurrentDirectory() : home, ".autodesign"));
    }

    public string Datasets => Path.Combine(Root, "datasets");

    public string Models => Path.Combine(Root, "models");
}
