using AutoDesign.Contracts;
using AutoDesign.Dashboard.Components.Jobs;
using Bunit;

namespace AutoDesign.Dashboard.Tests;

public class JobTableTests : DashboardTest
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    private readonly IReadOnlyList<JobView> _jobs =
    [
        FakeApi.Job("prune", "lenet5", "ddpg", "running", 0.91, 30, 120, Now.AddMinutes(-3)),
        FakeApi.Job("quantize", "resnet20", "random", "completed", 0.95, 40, 40, Now.AddMinutes(-2)),
        FakeApi.Job("prune", "vgg-small", "uniform", "queued", null, 0, 1, Now.AddMinutes(-1)),
    ];

    [Fact]
    public void Shows_each_job_with_its_progress_best_accuracy_and_cost_newest_first()
    {
        var table = Render<JobTable>(p => p.Add(t => t.Jobs, _jobs));

        var rows = table.FindAll("tbody tr");
        Assert.Equal(["vgg-small", "resnet20", "lenet5"], rows.Select(r => r.Children[1].TextContent.Split(' ')[0]));
        var lenet = rows[2];
        Assert.Equal("30", lenet.QuerySelector("progress")!.GetAttribute("value"));
        Assert.Equal("120", lenet.QuerySelector("progress")!.GetAttribute("max"));
        Assert.Contains("91.00 %", lenet.TextContent);
        Assert.Contains("1000 MACs", lenet.TextContent);
        Assert.Contains("flops ≤ 50 %", lenet.TextContent);
        Assert.Equal($"jobs/{_jobs[0].Id}", lenet.QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("–", rows[0].Children[6].TextContent); // nothing evaluated yet
    }

    [Fact]
    public void Sorts_by_a_clicked_column_and_filters_by_text()
    {
        var table = Render<JobTable>(p => p.Add(t => t.Jobs, _jobs));

        table.FindAll("th").Single(h => h.TextContent.Contains("best accuracy")).Click();
        Assert.Equal(["resnet20", "lenet5", "vgg-small"], table.FindAll("tbody tr").Select(r => r.Children[1].TextContent.Split(' ')[0]));
        table.FindAll("th").Single(h => h.TextContent.Contains("best accuracy")).Click();
        Assert.Equal(["vgg-small", "lenet5", "resnet20"], table.FindAll("tbody tr").Select(r => r.Children[1].TextContent.Split(' ')[0]));

        table.Find("input.filter").Input("quantize");
        Assert.Single(table.FindAll("tbody tr"));
        table.Find("input.filter").Input("nothing like this");
        Assert.Empty(table.FindAll("tbody tr"));
        Assert.Contains("No jobs match the filter", table.Markup);
    }
}
