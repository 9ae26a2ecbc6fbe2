using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

public sealed class JobLifecycleTests : ServiceTest
{
    [Fact]
    public async Task A_submitted_job_runs_to_completion_and_its_candidates_front_and_best_are_served()
    {
        var (response, submitted) = await Service.Client.Submit(JobApi.PruneSpec(episodes: 6));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        string id = submitted.GetProperty("id").GetString()!;
        Assert.Equal($"/api/jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("queued", submitted.Status());

        var job = await Service.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(4));
        Assert.Equal("completed", job.Status());
        Assert.Equal(6, job.Candidates());

        var page = await Service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?offset=2&limit=3");
        Assert.Equal(6, page.GetProperty("total").GetInt32());
        Assert.Equal([2, 3, 4], page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
        double budget = job.GetProperty("budgetLimit").GetDouble();
        var all = (await Service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?limit=1000")).GetProperty("items").EnumerateArray().ToList();
        Assert.All(all, c => Assert.True(c.GetProperty("constrainedValue").GetDouble() <= budget));

        var front = (await Service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/pareto")).EnumerateArray().ToList();
        Assert.NotEmpty(front);
        foreach (var point in front) // nothing evaluated beats a front point on both axes
            Assert.DoesNotContain(all, c => c.GetProperty("constrainedValue").GetDouble() < point.GetProperty("constrainedValue").GetDouble()
                                            && c.GetProperty("accuracy").GetDouble() > point.GetProperty("accuracy").GetDouble());

        var best = job.GetProperty("result").GetProperty("best");
        int bestIndex = best.GetProperty("index").GetInt32();
        Assert.Equal(all.Max(c => c.GetProperty("reward").GetDouble()), all[bestIndex].GetProperty("reward").GetDouble());
        Assert.True(Directory.Exists(best.GetProperty("savedModel").GetString()));
        Assert.InRange(best.GetProperty("testAccuracy").GetDouble(), 0.1, 1.0);

        var onnx = await Service.Client.GetAsync($"/api/jobs/{id}/export?format=onnx");
        Assert.Equal(HttpStatusCode.OK, onnx.StatusCode);
        Assert.EndsWith("-best.onnx", onnx.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(new[] { 1, 10 }, RunOnnx(await onnx.Content.ReadAsByteArrayAsync()));
        int other = bestIndex == 0 ? 1 : 0;
        var policy = await Service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/export?candidate={other}&format=json");
        Assert.Equal(other, policy.GetProperty("candidate").GetProperty("index").GetInt32());
        Assert.Equal(all[other].GetProperty("flops").GetInt64(), AutoDesign.Modeling.Specs.ModelSpecJson.Deserialize(policy.GetProperty("spec").GetRawText()).Analyze().Macs);
        Assert.Equal(HttpStatusCode.Conflict, (await Service.Client.GetAsync($"/api/jobs/{id}/export?candidate={other}&format=onnx")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Service.Client.GetAsync($"/api/jobs/{id}/export?candidate=99&format=json")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Service.Client.GetAsync($"/api/jobs/{id}/export?format=tflite")).StatusCode);

        var finished = await Service.Client.PostAsync($"/api/jobs/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, finished.StatusCode);
        var listed = await Service.Client.GetFromJsonAsync<JsonElement>("/api/jobs?status=completed");
        Assert.Equal(id, listed.GetProperty("items")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_quantization_job_meets_its_latency_budget_and_its_best_policy_exports_as_int8_onnx()
    {
        const string spec = """
            {"kind":"quantize","model":"lenet5","dataset":"mnist","agent":"ddpg","constraint":{"metric":"latency","target":"bitfusion","ratio":0.5},
             "budget":{"episodes":3,"warmupEpisodes":2},"training":{"epochs":1,"trainLimit":3000},
             "quantization":{"validationImages":200,"fineTuneImages":64,"calibrationImages":32}}
            """;
        var (response, submitted) = await Service.Client.Submit(spec);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        string id = submitted.GetProperty("id").GetString()!;

        var job = await Service.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(4));

        Assert.Equal("completed", job.Status());
        double budget = job.GetProperty("budgetLimit").GetDouble();
        var candidates = (await Service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, candidates.Count);
        Assert.All(candidates, c => Assert.True(c.GetProperty("constrainedValue").GetDouble() <= budget));
        Assert.All(candidates, c => Assert.All(c.GetProperty("policy").EnumerateArray(), p => Assert.InRange(p.GetProperty("wBits").GetInt32(), 2, 8)));
        var onnx = await Service.Client.GetByteArrayAsync($"/api/jobs/{id}/export");
        Assert.Equal(new[] { 1, 10 }, RunOnnx(onnx));
        Assert.Contains("QuantizeLinear", System.Text.Encoding.ASCII.GetString(onnx));
    }

    [Fact]
    public async Task A_formats_job_exports_its_best_as_the_serving_formats_onnx_runtime_runs_window_and_decode_step()
    {
        const string spec = """
            {"kind":"formats","model":"gpt-w0.25-d0.5","dataset":"sotu","agent":"fixed","constraint":{"metric":"memory","ratio":0.9},
             "budget":{"episodes":1},"training":{"epochs":1,"stepsPerEpoch":10},
             "serving":{"formats":["fp16","w8a8-smooth","w4a16-g32"],"caches":["kv16","kv8"],"calibrationSamples":8,"validationSamples":8,"testSamples":16}}
            """;
        var (response, submitted) = await Service.Client.Submit(spec);
        Assert.True(HttpStatusCode.Accepted == response.StatusCode, submitted.ToString());
        string id = submitted.GetProperty("id").GetString()!;

        var job = await Service.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(4));

        Assert.Equal("completed", job.Status());
        var onnx = await Service.Client.GetAsync($"/api/jobs/{id}/export?format=onnx");
        Assert.Equal(HttpStatusCode.OK, onnx.StatusCode);
        byte[] window = await onnx.Content.ReadAsByteArrayAsync();
        Assert.Contains("MatMulNBits", System.Text.Encoding.ASCII.GetString(window)); // the 4-bit layers the fixed agent chose under 0.9 of W8A8
        using (var session = new Microsoft.ML.OnnxRuntime.InferenceSession(window))
            Assert.Equal(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64, session.InputMetadata.Values.Single().ElementDataType);
        var decode = await Service.Client.GetAsync($"/api/jobs/{id}/export?format=onnx-decode");
        Assert.Equal(HttpStatusCode.OK, decode.StatusCode);
        Assert.EndsWith("-best-decode.onnx", decode.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        using (var session = new Microsoft.ML.OnnxRuntime.InferenceSession(await decode.Content.ReadAsByteArrayAsync()))
            Assert.Contains(session.OutputMetadata.Keys, name => name.StartsWith("present_keys.", StringComparison.Ordinal));
        var measured = job.GetProperty("result").GetProperty("best").GetProperty("measured").EnumerateObject().ToList();
        Assert.Contains(measured, m => m.Name.StartsWith("testPerplexity@onnxruntime-cpu", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Progress_streams_as_server_sent_events_until_the_job_finishes()
    {
        var (_, submitted) = await Service.Client.Submit(JobApi.PruneSpec(episodes: 5));
        string id = submitted.GetProperty("id").GetString()!;

        using var response = await Service.Client.GetAsync($"/api/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new List<(string Event, string Id, JsonElement Data)>();
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
            events.Add((item.EventType, item.EventId ?? "", JsonDocument.Parse(item.Data).RootElement.Clone()));

        var candidates = events.Where(e => e.Event == "candidate").ToList();
        Assert.Equal(["0", "1", "2", "3", "4"], candidates.Select(c => c.Id));
        var statuses = events.Where(e => e.Event == "status").Select(e => e.Data.GetProperty("status").GetString()).ToList();
        Assert.Equal("completed", statuses[^1]);
        Assert.Contains("running", statuses);

        using var resumed = await Service.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/jobs/{id}/events") { Headers = { { "Last-Event-ID", "2" } } });
        string replay = await resumed.Content.ReadAsStringAsync();
        Assert.DoesNotContain("id: 2\n", replay.Replace("\r", ""));
        Assert.Contains("id: 3", replay);
        Assert.Contains("id: 4", replay);
    }

    /// <summary>Runs an exported model once in ONNX Runtime on a blank MNIST-sized image and gives its output shape.</summary>
    private static int[] RunOnnx(byte[] model)
    {
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model);
        var input = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>([1, 1, 28, 28]);
        using var outputs = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), input)]);
        return outputs.First().AsTensor<float>().Dimensions.ToArray();
    }

    [Fact]
    public async Task A_running_job_is_cancelled_and_keeps_the_candidates_it_evaluated()
    {
        var (_, submitted) = await Service.Client.Submit(JobApi.PruneSpec(episodes: 500));
        string id = submitted.GetProperty("id").GetString()!;
        await Service.Client.WaitFor(id, j => j.Candidates() >= 2, TimeSpan.FromMinutes(4));

        var cancel = await Service.Client.PostAsync($"/api/jobs/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var job = await Service.Client.WaitFor(id, j => j.IsFinished(), TimeSpan.FromMinutes(1));
        Assert.Equal("cancelled", job.Status());
        int kept = job.Candidates();
        Assert.InRange(kept, 2, 499);
        await Task.Delay(500);
        var page = await Service.Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}/candidates?limit=1000");
        Assert.Equal(kept, page.GetProperty("total").GetInt32());
        Assert.Equal(Enumerable.Range(0, kept), page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
    }

    [Fact]
    public async Task A_queued_job_cancelled_before_it_starts_never_runs()
    {
        var (_, first) = await Service.Client.Submit(JobApi.PruneSpec(episodes: 500));
        var (_, second) = await Service.Client.Submit(JobApi.PruneSpec(episodes: 5));
        string queued = second.GetProperty("id").GetString()!;

        var cancel = await Service.Client.PostAsync($"/api/jobs/{queued}/cancel", null);
        await Service.Client.PostAsync($"/api/jobs/{first.GetProperty("id").GetString()}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var job = await Service.Client.WaitFor(queued, j => j.IsFinished(), TimeSpan.FromMinutes(1));
        Assert.Equal("cancelled", job.Status());
        Assert.Equal(0, job.Candidates());
        Assert.False(job.TryGetProperty("startedAt", out _));
    }
}
