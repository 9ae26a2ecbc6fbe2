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

    [Fact]
    public void A_recovered_design_shows_its_test_accuracy_before_and_after_recovery_and_the_recovered_front()
    {
        var recovered = new RecoveryResult(2, 2e-4, 1, 0.9012, 0.9655, 31, [new RecoveredPoint(4, 0.8731, 0.9502)]);
        var best = new BestResult(7, 0.905, 100_000, 20_000, 100_000, [new PolicyEntry("conv1", 0.5, 3, 6)], 0.9012, 0, null, "/data/jobs/x/best", Recovered: recovered);
        var job = FakeApi.Job("prune", "lenet5", "ddpg", "completed", 0.905, 40, 40, DateTime.UtcNow) with
        {
            Result = new JobOutcome(new BaseMetrics("lenet5", "mnist", "", 0.99, 0.99, 200_000, 40_000), new ConstraintResult("flops", "MACs", null, null, 0.5), best, [], 40, 0.2, 200),
        };
        Api.JobList.Add(job);

        var page = Render<JobPage>(p => p.Add(j => j.Id, job.Id));

        string summary = page.Find("p.summary").TextContent;
        Assert.Contains("test 90.12 %", summary, StringComparison.Ordinal);
        Assert.Contains("96.55 % after 2 epochs of recovery", page.Find("p.summary .recovered").TextContent, StringComparison.Ordinal);
        Assert.Equal(["candidate 4: test 87.31 % before, 95.02 % after recovery"], page.FindAll("ul.recovered-front li").Select(li => li.TextContent.Trim()));
    }
}
