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

    [Fact]
    public void A_training_job_shows_each_epoch_with_the_bytes_its_workers_sent_against_dense_and_the_time_in_the_exchange()
    {
        var job = FakeApi.Job("train", "resnet20", "dgc", "running", 0.62, 2, 4, DateTime.UtcNow,
            """{"kind":"train","model":"resnet20","dataset":"fashion-mnist","agent":"dgc","workers":2}""") with { Trains = true };
        Api.JobList.Add(job);
        Api.CandidateLists[job.Id] =
        [
            Epoch(0, 0.55, sent: 10_000_000, dense: 40_000_000, perStep: 52_000, exchange: 3.5),
            Epoch(1, 0.62, sent: 800_000, dense: 40_000_000, perStep: 4_150, exchange: 1.25),
        ];

        var page = Render<JobPage>(p => p.Add(j => j.Id, job.Id));

        Assert.Contains("2 / 4 epochs", page.Find(".job-head").TextContent, StringComparison.Ordinal);
        var rows = page.FindAll("table.epochs tbody tr").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent).ToList()).ToList();
        Assert.Equal(["1", "2", "0.5000", "55.00 %", "10.00 MB", "40.00 MB", "4.0x", "25.00 %", "52.0 kB", "3.5 s", "20.0 s"], rows[0]);
        Assert.Equal(["2", "2", "0.5000", "62.00 %", "800.0 kB", "40.00 MB", "50.0x", "25.00 %", "4.2 kB", "1.2 s", "20.0 s"], rows[1]);
        Assert.Contains("7.4x less than dense", page.Find("p.traffic").TextContent, StringComparison.Ordinal); // 80 MB against 10.8 MB
        Assert.Empty(page.FindAll("#pareto")); // no front: one network, trained
    }

    private static CandidateResult Epoch(int index, double accuracy, double sent, double dense, double perStep, double exchange) =>
        new(index, accuracy, 1, 1, perStep, accuracy, [], new Dictionary<string, double>
        {
            ["trainLoss"] = 0.5, ["bytesSent"] = sent, ["denseBytes"] = dense, ["density"] = 0.25, ["exchangeSeconds"] = exchange, ["seconds"] = 20, ["workers"] = 2,
        });
}
