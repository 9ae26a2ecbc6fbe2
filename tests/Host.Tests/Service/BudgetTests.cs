using System.Net;

namespace AutoDesign.Host.Tests.Service;

/// <summary>Training memory, a job's time and a measurement's wait are bounded: past a bound the one job or request fails, saying which bound.</summary>
public sealed class BudgetTests() : ServiceTest(
    "--AutoDesign:JobTimeLimit=00:00:02", "--AutoDesign:ProfileTimeout=00:00:00.001", $"--AutoDesign:ModelLimits:MaxTrainingBytes={50 << 20}")
{
    [Fact]
    public async Task A_network_too_large_to_train_within_the_memory_budget_is_refused_naming_the_model()
    {
        var (response, problem) = await Service.Client.Submit(JobApi.PruneSpec(4).Replace("\"model\":\"lenet5\"", "\"model\":\"vgg-small\""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MaxTrainingBytes", problem.GetProperty("errors").GetProperty("model")[0].GetString());
    }

    [Fact]
    public async Task A_job_past_its_time_limit_fails_saying_so_and_the_service_goes_on()
    {
        string id = (await Service.Client.Submit(JobApi.PruneSpec(200))).Body.GetProperty("id").GetString()!;

        var job = await Service.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(2));

        Assert.Equal("failed", job.Status());
        Assert.Contains("time limit", job.GetProperty("error").GetString());
        Assert.Equal("Healthy", await Service.Client.GetStringAsync("/health"));

        // A failed job can be queued again (here it meets its limit again); a finished one cannot, an unknown one is not found.
        var resumed = await Service.Client.PostAsync($"/api/jobs/{id}/resume", null);
        Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
        Assert.NotEqual("failed", (await resumed.Json()).Status());
        await Service.Client.PostAsync($"/api/jobs/{id}/cancel", null);
        Assert.Equal("cancelled", (await Service.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(1))).Status());
        Assert.Equal(HttpStatusCode.Conflict, (await Service.Client.PostAsync($"/api/jobs/{id}/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Service.Client.PostAsync($"/api/jobs/{Guid.NewGuid()}/resume", null)).StatusCode);
    }

    [Fact]
    public async Task A_measurement_that_does_not_finish_in_time_is_a_503_saying_so()
    {
        var response = await Service.Client.GetAsync("/api/targets/torchsharp-cpu/profile?model=resnet20&dataset=mnist");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("ProfileTimeout", (await response.Json()).GetProperty("detail").GetString());
    }
}
