using AutoDesign.Contracts;
using AutoDesign.Dashboard.Components.Pages;
using Bunit;

namespace AutoDesign.Dashboard.Tests;

public class JobPageTests : DashboardTest
{
    [Fact]
    public void A_completed_formats_job_offers_its_decode_step_and_shows_what_onnx_runtime_measured()
    {
        var best = new BestResult(2, 0.61, 1, 1, 1.2e7, [new PolicyEntry("block0_q", WBits: 4, ABits: 8, Choice: "w4a8-g128")], 0.58, 0, null, "/data/jobs/x/best",
            new Dictionary<string, double> { ["testPerplexity"] = 4.11 },
            new Dictionary<string, double> { ["testPerplexity@onnxruntime-cpu, first 64 windows (measured)"] = 3.773, ["decodeMs@onnxruntime-cpu cache of 127 (measured)"] = 2.5 });
        var job = FakeApi.Job("formats", "gpt", "ddpg", "completed", 0.61, 40, 40, DateTime.UtcNow) with
        {
            Result = new JobOutcome(new BaseMetrics("gpt", "sotu", "", 0.615, 0.583, 1, 1), new ConstraintResult("memory", "bytes", null, null, 0.6), best, [], 40, 0.2, 200),
        };
        Api.JobList.Add(job);

        var page = Render<JobPage>(p => p.Add(j => j.Id, job.Id));

        Assert.Contains(page.FindAll("a"), a => a.GetAttribute("href")!.Contains("format=onnx-decode", StringComparison.Ordinal));
        var measured = page.FindAll("ul.measured li").Select(li => li.TextContent).ToList();
        Assert.Equal(["testPerplexity@onnxruntime-cpu, first 64 windows (measured): 3.773", "decodeMs@onnxruntime-cpu cache of 127 (measured): 2.5"], measured);
    }
}
