namespace AutoDesign.Host.Tests.Dashboard;

/// <summary>A fact that drives Chromium (apt-get install -y chromium): skipped unless AUTODESIGN_BROWSER=1.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("AUTODESIGN_BROWSER") != "1")
            Skip = "drives a real browser: install Chromium (apt-get install -y chromium) and set AUTODESIGN_BROWSER=1 to run";
    }
}
