using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

public sealed class BadRequestTests : ServiceTest
{
    [Theory]
    [InlineData("{\"kind\":\"prune\",", "spec")]
    [InlineData("{\"kind\":\"prune\",\"model\":\"lenet7\",\"dataset\":\"mnist\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"flops\",\"ratio\":0.5},\"budget\":{\"episodes\":10}}", "model")]
    [InlineData("{\"kind\":\"prune\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"flops\",\"ratio\":0.01},\"budget\":{\"episodes\":10}}", "constraint.ratio")]
    [InlineData("{\"kind\":\"quantize\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"latency\",\"target\":\"tpu-v9\",\"ratio\":0.5},\"budget\":{\"episodes\":10}}", "constraint.target")]
    [InlineData("{\"kind\":\"quantize\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"size\",\"ratio\":0.5},\"budget\":{\"episodes\":10},\"quantization\":{\"maxBits\":17}}", "quantization.maxBits")]
    [InlineData("{\"kind\":\"quantize\",\"model\":\"gpt\",\"dataset\":\"sotu\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"size\",\"ratio\":0.5},\"budget\":{\"episodes\":10}}", "dataset")] // a text corpus: quantize jobs score image classifiers
    [InlineData("{\"kind\":\"prune\",\"model\":\"gpt\",\"dataset\":\"sotu\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"flops\",\"ratio\":0.5},\"budget\":{\"episodes\":10},\"pruning\":{\"refit\":true}}", "pruning.refit")] // a language model has no layer the refit fits
    [InlineData("{\"kind\":\"prune\",\"model\":\"gpt\",\"dataset\":\"mnist\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"flops\",\"ratio\":0.5},\"budget\":{\"episodes\":10}}", "model")] // a language model on images
    [InlineData("{\"kind\":\"formats\",\"model\":\"gpt\",\"dataset\":\"sotu\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"memory\",\"ratio\":0.6},\"budget\":{\"episodes\":10},\"serving\":{\"formats\":[\"w8a8\",\"../../etc/passwd\"]}}", "serving.formats[1]")]
    [InlineData("{\"kind\":\"formats\",\"model\":\"gpt\",\"dataset\":\"sotu\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"latency\",\"target\":\"/dev/zero\",\"ratio\":0.6},\"budget\":{\"episodes\":10}}", "constraint.target")]
    [InlineData("{\"kind\":\"formats\",\"model\":\"gpt\",\"dataset\":\"sotu\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"memory\",\"ratio\":0.6},\"budget\":{\"episodes\":10},\"serving\":{\"formats\":[\"w4a4-svd-r999-g64\"]}}", "serving.formats[0]")] // a rank above every layer's size
    [InlineData("{\"kind\":\"formats\",\"model\":\"gpt\",\"dataset\":\"sotu\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"memory\",\"ratio\":0.6},\"budget\":{\"episodes\":10},\"serving\":{\"calibrationSamples\":100000}}", "serving.calibrationSamples")] // would hold every layer's output for 12.8 M tokens
    [InlineData("{\"kind\":\"formats\",\"model\":\"gpt\",\"dataset\":\"sotu\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"memory\",\"ratio\":0.6},\"budget\":{\"episodes\":10},\"serving\":{\"smoothingAlpha\":\"NaN\"}}", "serving.smoothingAlpha")]
    [InlineData("{\"kind\":\"prune\",\"model\":\"lenet5\",\"colour\":\"red\"}", "colour")]
    [InlineData("{\"kind\":\"prune\",\"model\":\"lenet5\",\"model\":\"lenet5\"}", "spec")]
    [InlineData("{\"kind\":\"prune\",\"model\":\"lenet5\",\"budget\":{\"episodes\":1,\"episodes\":2}}", "spec")]
    [InlineData("{\"kind\":\"prune\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"flops\",\"ratio\":0.5},\"budget\":{\"episodes\":10},\"ddpg\":{\"noiseDecay\":\"NaN\"}}", "ddpg.noiseDecay")]
    [InlineData("{\"kind\":\"prune\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"flops\",\"ratio\":0.5},\"budget\":{\"episodes\":10},\"ddpg\":{\"initialNoise\":\"-Infinity\"}}", "ddpg.initialNoise")]
    [InlineData("{\"kind\":\"prune\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"ddpg\",\"constraint\":{\"metric\":\"flops\",\"ratio\":0.5},\"budget\":{\"episodes\":10},\"pruning\":{\"lowerBound\":1e999}}", "pruning.lowerBound")]
    [InlineData("{\"kind\":\"train\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"dgc\",\"workers\":0}", "workers")]
    [InlineData("{\"kind\":\"train\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"dgc\",\"workers\":4,\"training\":{\"batchSize\":2}}", "training.batchSize")]
    [InlineData("{\"kind\":\"train\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"dgc\",\"compression\":{\"density\":2}}", "compression.density")]
    [InlineData("{\"kind\":\"train\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"dgc\",\"link\":{\"bitsPerSecond\":\"NaN\"}}", "link.bitsPerSecond")]
    [InlineData("{\"kind\":\"train\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"dgc\",\"link\":{\"bitsPerSecond\":1e9,\"latencyMs\":-1}}", "link.latencyMs")]
    [InlineData("{\"kind\":\"train\",\"model\":\"../../etc/passwd\",\"dataset\":\"mnist\",\"agent\":\"dgc\"}", "model")]
    [InlineData("{\"kind\":\"train\",\"model\":\"lenet5\",\"dataset\":\"/dev/zero\",\"agent\":\"dgc\"}", "dataset")]
    [InlineData("{\"kind\":\"train\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"dgc\",\"workers\":1e12}", "workers")]
    [InlineData("{\"kind\":\"train\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"dgc\",\"training\":{\"epochs\":99999999999}}", "training.epochs")]
    [InlineData("{\"kind\":\"train\",\"model\":\"lenet5\",\"dataset\":\"mnist\",\"agent\":\"dgc\",\"compression\":{\"clipNorm\":\"Infinity\"}}", "compression.clipNorm")]
    public async Task A_bad_job_spec_gets_a_400_problem_naming_the_field_and_nothing_is_stored(string spec, string field)
    {
        var (response, problem) = await Service.Client.Submit(spec);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var reasons), $"no error for {field}: {problem}");
        Assert.Contains(reasons.EnumerateArray(), r => !string.IsNullOrWhiteSpace(r.GetString()));
        Assert.Equal(0, (await Service.Client.GetFromJsonAsync<JsonElement>("/api/jobs")).GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("\"ddpg\":{\"noiseDecay\":\"NaN\"}", "ddpg.noiseDecay")]
    [InlineData("\"ddpg\":{\"initialNoise\":-1e999}", "ddpg.initialNoise")]
    [InlineData("\"constraint\":{\"metric\":\"flops\",\"max\":\"Infinity\"}", "constraint.max")]
    public async Task Not_a_number_and_infinities_are_refused_where_they_are_read(string section, string field)
    {
        string spec = JobApi.PruneSpec(10).Replace("\"seed\":2", section + ",\"seed\":2").Replace("\"constraint\":{\"metric\":\"flops\",\"ratio\":0.5},", section.StartsWith("\"constraint") ? "" : "\"constraint\":{\"metric\":\"flops\",\"ratio\":0.5},");

        var (response, problem) = await Service.Client.Submit(spec);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("must be a finite number", problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task A_huge_body_is_refused_with_413_before_it_is_read()
    {
        string huge = JobApi.PruneSpec(10).Replace("\"seed\":2", "\"seed\":2" + new string(' ', 200_000));

        var (response, problem) = await Service.Client.Submit(huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("65,536 bytes", problem.GetProperty("detail").GetString());
        Assert.Equal(0, (await Service.Client.GetFromJsonAsync<JsonElement>("/api/jobs")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Unknown_jobs_are_404_problems_and_bad_paging_is_a_400()
    {
        var missing = await Service.Client.GetAsync($"/api/jobs/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Job not found", (await missing.Json()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Service.Client.PostAsync($"/api/jobs/{Guid.NewGuid()}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Service.Client.GetAsync($"/api/jobs/{Guid.NewGuid()}/candidates")).StatusCode);

        var tooMany = await Service.Client.GetAsync($"/api/jobs?limit=5000");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.True((await tooMany.Json()).GetProperty("errors").TryGetProperty("limit", out _));
        var badStatus = await Service.Client.GetAsync($"/api/jobs?status=sleeping");
        Assert.True((await badStatus.Json()).GetProperty("errors").TryGetProperty("status", out _));
        foreach (var query in new[] { "limit=ten", "offset=1.5", "limit=99999999999" })
        {
            var notANumber = await Service.Client.GetAsync($"/api/jobs?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, notANumber.StatusCode);
            Assert.Equal("application/problem+json", notANumber.Content.Headers.ContentType?.MediaType);
            Assert.Equal("must be a whole number", (await notANumber.Json()).GetProperty("errors").GetProperty(query.Split('=')[0])[0].GetString());
        }
    }

    [Fact]
    public async Task Health_the_openapi_document_and_the_catalog_are_served()
    {
        Assert.Equal("Healthy", await Service.Client.GetStringAsync("/health"));

        var openApi = await Service.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/candidates", "/api/jobs/{id}/pareto", "/api/jobs/{id}/cancel", "/api/models", "/api/targets" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the OpenAPI document");

        var targets = await Service.Client.GetFromJsonAsync<JsonElement>("/api/targets");
        Assert.Contains(targets.EnumerateArray(), t => t.GetProperty("name").GetString() == "bitfusion" && t.GetProperty("kind").GetString() == "analytic");
        var models = await Service.Client.GetFromJsonAsync<JsonElement>("/api/models");
        Assert.Contains(models.GetProperty("zooFamilies").EnumerateArray(), f => f.GetString() == "resnet20");
    }

    [Fact]
    public async Task A_model_is_profiled_on_a_target_through_its_profiler_grain_and_devices_are_registered()
    {
        var report = await Service.Client.GetFromJsonAsync<JsonElement>("/api/targets/bitfusion/profile?model=lenet5&precision=W4A4");
        double at4 = report.GetProperty("latency").GetProperty("value").GetDouble();
        var at8 = await Service.Client.GetFromJsonAsync<JsonElement>("/api/targets/bitfusion/profile?model=lenet5&precision=W8A8");

        Assert.Equal("analytic", report.GetProperty("kind").GetString());
        var lenet = AutoDesign.Modeling.Zoo.ModelZoo.Create("lenet5", new AutoDesign.Modeling.Specs.InputSpec(1, 28, 28), 10);
        Assert.Equal(lenet.Layers.Select(l => l.Name), report.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("layer").GetString()));
        Assert.True(at4 < at8.GetProperty("latency").GetProperty("value").GetDouble());
        var measured = await Service.Client.GetFromJsonAsync<JsonElement>("/api/targets/torchsharp-cpu/profile?model=lenet5");
        Assert.Equal("measured", measured.GetProperty("kind").GetString());

        // A model the target cannot run (a video model's last-row layer has no ONNX form) is the model's fault, not the service's.
        var unsupported = await Service.Client.GetAsync("/api/targets/onnxruntime-cpu/profile?model=video-transformer-d0.25&dataset=moving-mnist");
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.StatusCode);
        Assert.StartsWith("cannot run on onnxruntime-cpu: layer ", (await unsupported.Json()).GetProperty("errors").GetProperty("model")[0].GetString(), StringComparison.Ordinal);

        var bad = await Service.Client.GetAsync("/api/targets/tpu-v9/profile?model=lenet7&precision=W9");
        var errors = (await bad.Json()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _) && errors.TryGetProperty("model", out _) && errors.TryGetProperty("precision", out _), errors.ToString());

        var devices = await Service.Client.GetFromJsonAsync<JsonElement>("/api/devices");
        Assert.Contains(devices.EnumerateArray(), d => d.GetProperty("name").GetString() == "cpu");
    }
}
