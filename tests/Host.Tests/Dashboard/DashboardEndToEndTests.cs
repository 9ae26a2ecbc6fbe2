using AutoDesign.Host.Tests.Machine;
using AutoDesign.Host.Tests.Service;
using Microsoft.Playwright;

namespace AutoDesign.Host.Tests.Dashboard;

/// <summary>The dashboard in Chromium against the real service: a job made through the form, watched to the end, its front clicked.</summary>
public sealed class DashboardEndToEndTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>Where the screenshot is saved (AUTODESIGN_ARTIFACTS, default: the test output's artifacts folder).</summary>
    private static string Artifacts =>
        Environment.GetEnvironmentVariable("AUTODESIGN_ARTIFACTS") is { Length: > 0 } folder ? folder : Path.Combine(AppContext.BaseDirectory, "artifacts");

    [Fact]
    public async Task A_job_made_in_the_form_completes_its_front_shows_a_candidates_policy_when_clicked_and_the_other_pages_work()
    {
        await using var service = await TestService.Start(_data.Root);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = DebianPackages.Chromium,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } });
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };
        page.Response += (_, response) => { if (response.Status >= 400) consoleErrors.Add($"{response.Status} {response.Url}"); };
        page.SetDefaultTimeout(60_000);

        await page.GotoAsync(service.Client.BaseAddress + "jobs/new");
        await page.WaitForSelectorAsync("[data-interactive=true]");

        // The API's own message appears beside the field it names.
        await page.FillAsync("#budget-episodes", "0");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[data-field='budget.episodes'] .field-error");

        await page.SelectOptionAsync("#agent", "random");
        await page.FillAsync("#constraint-ratio", "0.5");
        await page.FillAsync("#budget-episodes", "8");
        await page.FillAsync("#training-epochs", "1");
        await page.FillAsync("#training-trainLimit", "3000");
        await page.ClickAsync("button[type=submit]");
        // The job page is what the user waits for; on a busy 2-core machine the submit can take a while.
        try { await page.WaitForSelectorAsync("[data-status]", new PageWaitForSelectorOptions { Timeout = 180_000 }); }
        catch (TimeoutException)
        {
            Directory.CreateDirectory(Artifacts);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "new-job-failed.png"), FullPage = true });
            Assert.Fail($"the form did not open the job (page at {page.Url}):\n" + string.Join("\n", consoleErrors));
        }
        Assert.Matches("/jobs/[0-9a-f-]{36}$", page.Url);

        await page.WaitForSelectorAsync("[data-status=completed]", new PageWaitForSelectorOptions { Timeout = 300_000 });
        var points = page.Locator("[data-chart=pareto] .scatterlayer .trace").Nth(1).Locator("path.point");
        await points.First.WaitForAsync();
        Assert.True(await points.CountAsync() >= 1);

        await points.First.ClickAsync(new LocatorClickOptions { Force = true });
        await page.WaitForSelectorAsync("section.policy .policy-table tbody tr");
        await page.WaitForSelectorAsync("section.policy .layer-table tbody tr");
        Assert.True(await page.Locator("section.policy .policy-table tbody tr").CountAsync() >= 2); // lenet5 has several prunable groups
        Assert.Contains(" of ", await page.Locator("section.policy .policy-table tbody tr").First.InnerTextAsync());

        Directory.CreateDirectory(Artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "job-page.png"), FullPage = true });

        // A narrow window scrolls tables inside the page, not the page sideways.
        await page.SetViewportSizeAsync(400, 800);
        try { await page.WaitForFunctionAsync("document.documentElement.scrollWidth <= window.innerWidth + 1", null, new PageWaitForFunctionOptions { Timeout = 5_000 }); }
        catch (TimeoutException)
        {
            Assert.Fail("wider than a 400 px window: " + await page.EvaluateAsync<string>(
                "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 6)" +
                ".map(e => e.tagName + '.' + (e.getAttribute('class') ?? '')).join(', ')"));
        }
        await page.SetViewportSizeAsync(1366, 900);

        // Compare shows the job's front; Hardware creates (after the API refuses a bad cron), edits and deletes a sweep.
        string id = page.Url.Split('/')[^1];
        await page.GotoAsync(service.Client.BaseAddress + $"compare?jobs={id}");
        await page.WaitForSelectorAsync("[data-interactive=true]");
        await page.Locator("[data-chart=compare] .scatterlayer path.point").First.WaitForAsync();

        await page.GotoAsync(service.Client.BaseAddress + "hardware");
        await page.WaitForSelectorAsync("[data-interactive=true]");
        await page.FillAsync("#sweep-name", "nightly");
        await page.FillAsync("#sweep-cron", "not a cron");
        await page.SelectOptionAsync("#sweep-target", "bitfusion");
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForSelectorAsync("[data-field=cron] .field-error");
        await page.FillAsync("#sweep-cron", "0 3 * * *");
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForSelectorAsync("table.sweeps tbody tr:has-text('nightly')");
        await page.ClickAsync("table.sweeps tbody tr:has-text('nightly') >> text=edit");
        await page.FillAsync("#sweep-cron", "30 4 * * *");
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForSelectorAsync("table.sweeps tbody tr:has-text('30 4 * * *')");
        await page.ClickAsync("table.sweeps tbody tr:has-text('nightly') >> text=delete");
        await page.WaitForSelectorAsync("table.sweeps tbody tr", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });

        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }
}
