using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.Host.Tests.Service;

public sealed class ModelUploadTests : ServiceTest
{
    private static byte[] WeightsOf(ModelSpec spec)
    {
        using var network = new SpecNetwork(spec);
        string file = Path.GetTempFileName();
        network.save(file);
        byte[] bytes = File.ReadAllBytes(file);
        File.Delete(file);
        return bytes;
    }

    private async Task<HttpResponseMessage> Upload(string name, string dataset, ModelSpec? spec, byte[]? weights)
    {
        using var form = new MultipartFormDataContent { { new StringContent(name), "name" }, { new StringContent(dataset), "dataset" } };
        if (spec is not null) form.Add(new StringContent(ModelSpecJson.Serialize(spec)), "spec", "spec.json");
        if (weights is not null) form.Add(new ByteArrayContent(weights), "weights", "weights.dat");
        return await Service.Client.PostAsync("/api/models", form);
    }

    [Fact]
    public async Task An_uploaded_model_with_weights_is_listed_and_a_job_starts_from_it_without_training()
    {
        var lenet = ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10);

        var response = await Upload("my-lenet", "mnist", lenet, WeightsOf(lenet));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var uploaded = await response.Json();
        Assert.Equal("upload:my-lenet", uploaded.GetProperty("reference").GetString());
        Assert.Equal(lenet.Analyze().Macs, uploaded.GetProperty("macs").GetInt64());
        Assert.InRange(uploaded.GetProperty("testAccuracy").GetDouble(), 0.0, 0.5); // random weights, measured on the test split
        var models = await Service.Client.GetFromJsonAsync<JsonElement>("/api/models");
        Assert.Contains(models.GetProperty("uploaded").EnumerateArray(), u => u.GetProperty("name").GetString() == "my-lenet");

        var (submitted, job) = await Service.Client.Submit(JobApi.PruneSpec(episodes: 4).Replace("\"model\":\"lenet5\"", "\"model\":\"upload:my-lenet\""));
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, job.ToString());
        var done = await Service.Client.WaitFor(job.GetProperty("id").GetString()!, j => j.IsFinished(), TimeSpan.FromMinutes(3));
        Assert.Equal("completed", done.Status());
        Assert.Contains(Path.Combine("models", "uploads", "my-lenet"), done.GetProperty("result").GetProperty("base").GetProperty("savedModel").GetString());
        Assert.DoesNotContain(new AutoDesign.Modeling.Checkpoints.ModelStore(new AutoDesign.Modeling.DataFolder(Data.Root)).All(), m => m.Card.Model.Contains("lenet5")); // nothing was trained
    }

    private async Task<HttpResponseMessage> UploadText(string name, string dataset, string specJson)
    {
        using var form = new MultipartFormDataContent { { new StringContent(name), "name" }, { new StringContent(dataset), "dataset" } };
        form.Add(new StringContent(specJson), "spec", "spec.json");
        return await Service.Client.PostAsync("/api/models", form);
    }

    [Theory]
    [InlineData("""{"name":"x","input":{"channels":1,"height":28,"width":28},"classes":10,"layers":[{"name":"c","op":"conv","out":2,"inputs":["c"]},{"name":"fc","op":"linear","out":10}]}""")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":28,"width":28},"classes":10,"layers":[{"name":"c","op":"warp","out":2},{"name":"fc","op":"linear","out":10}]}""")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":28,"width":28},"classes":10,"layers":[{"name":"c","op":"conv","out":-2},{"name":"fc","op":"linear","out":10}]}""")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":28,"width":28},"classes":10,"layers":[{"name":"c","op":"conv","out":2,"kernel":"NaN"},{"name":"fc","op":"linear","out":10}]}""")]
    [InlineData("""not json at all""")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":28,"width":28},"classes":10,"layers":[{"name":"c","op":"conv","out":1000000000},{"name":"fc","op":"linear","out":10}]}""")]
    public async Task An_upload_whose_spec_describes_no_network_is_a_400_naming_the_spec(string specJson)
    {
        var response = await UploadText("bad", "mnist", specJson);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Json()).GetProperty("errors").TryGetProperty("spec", out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bad_uploads_get_a_400_naming_the_field_and_store_nothing()
    {
        var lenet = ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10);
        var vgg = ModelZoo.Create("vgg-small-w0.25", new InputSpec(1, 28, 28), 10);

        async Task Refused(HttpResponseMessage response, string field)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Json()).GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
        }

        await Refused(await Upload("a", "mnist", lenet, WeightsOf(vgg)), "weights");
        await Refused(await Upload("a", "mnist", ModelZoo.Create("lenet5", new InputSpec(3, 32, 32), 10), null), "spec");
        await Refused(await Upload("a", "mnist", null, null), "spec");
        await Refused(await Upload("../a", "mnist", lenet, null), "name");
        await Refused(await Upload("a", "coco", lenet, null), "dataset");
        await Refused(await Upload("a", "idx:/etc", lenet, null), "dataset");
        await Refused(await Upload("a", "cifar10:" + Data.Root, lenet, null), "dataset"); // no CIFAR-10 files there
        var models = await Service.Client.GetFromJsonAsync<JsonElement>("/api/models");
        Assert.Empty(models.GetProperty("uploaded").EnumerateArray());

        Assert.Equal(HttpStatusCode.Created, (await Upload("spec-only", "mnist", lenet, null)).StatusCode);
        await Refused(await Upload("spec-only", "mnist", lenet, null), "name");
        var (accepted, _) = await Service.Client.Submit(JobApi.PruneSpec(episodes: 4).Replace("\"model\":\"lenet5\"", "\"model\":\"upload:spec-only\""));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode); // a spec alone is trained on first use
    }

    private async Task<HttpResponseMessage> UploadOnnx(string name, string dataset, byte[] file)
    {
        using var form = new MultipartFormDataContent { { new StringContent(name), "name" }, { new StringContent(dataset), "dataset" } };
        form.Add(new ByteArrayContent(file), "onnx", "model.onnx");
        return await Service.Client.PostAsync("/api/models", form);
    }

    [Fact]
    public async Task An_onnx_file_is_imported_with_its_weights_and_a_job_prunes_it()
    {
        var file = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "fixtures", "fixture-opset13.onnx"));

        var response = await UploadOnnx("from-pytorch", "mnist", file);

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var uploaded = await response.Json();
        Assert.Equal("upload:from-pytorch", uploaded.GetProperty("reference").GetString());
        Assert.True(uploaded.GetProperty("hasWeights").GetBoolean());
        var (submitted, job) = await Service.Client.Submit(JobApi.PruneSpec(episodes: 4).Replace("\"model\":\"lenet5\"", "\"model\":\"upload:from-pytorch\""));
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, job.ToString());
        var done = await Service.Client.WaitFor(job.GetProperty("id").GetString()!, j => j.IsFinished(), TimeSpan.FromMinutes(3));
        Assert.True(done.Status() == "completed", done.ToString());
    }

    [Fact]
    public async Task A_bad_onnx_file_is_a_400_naming_the_onnx_field_and_nothing_is_stored()
    {
        var file = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "fixtures", "fixture-opset13.onnx"));

        foreach (var (bytes, dataset, message) in new[]
        {
            (file[..(file.Length / 3)], "mnist", "not an ONNX model"),
            ("<html>hello</html>"u8.ToArray(), "mnist", "not an ONNX model"),
            (file, "imagenet", "10 classes"),
        })
        {
            var response = await UploadOnnx("bad", dataset, bytes);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Json()).GetProperty("errors");
            Assert.Contains(message, errors.GetProperty("onnx")[0].GetString());
            Assert.DoesNotContain("hello", await response.Content.ReadAsStringAsync());
        }
        var models = await Service.Client.GetFromJsonAsync<JsonElement>("/api/models");
        Assert.Empty(models.GetProperty("uploaded").EnumerateArray());
    }
}
