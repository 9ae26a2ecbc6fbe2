using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoDesign.Contracts;
using System.Text.Json.Nodes;

namespace AutoDesign.Dashboard.Api;

/// <summary>The REST API over HTTP, with the session's API key on every request that has one.</summary>
public sealed class HttpAutoDesignApi(HttpClient http, ApiKeySession key) : IAutoDesignApi
{
    public const string KeyHeader = "X-Api-Key";

    public async Task<Page<JobView>> Jobs(string? status, int offset, int limit, CancellationToken cancellation = default) =>
        (await Get<Page<JobView>>($"api/jobs?offset={offset}&limit={limit}{(status is null ? "" : "&status=" + Uri.EscapeDataString(status))}", cancellation))!;

    public Task<JobView?> Job(Guid id, CancellationToken cancellation = default) => Get<JobView>($"api/jobs/{id}", cancellation);

    public Task<Page<CandidateResult>?> Candidates(Guid id, int offset, int limit, CancellationToken cancellation = default) =>
        Get<Page<CandidateResult>>($"api/jobs/{id}/candidates?offset={offset}&limit={limit}", cancellation);

    public Task<IReadOnlyList<ParetoPoint>?> Pareto(Guid id, CancellationToken cancellation = default) =>
        Get<IReadOnlyList<ParetoPoint>>($"api/jobs/{id}/pareto", cancellation);

    public Task<CandidateLayers?> Layers(Guid id, int candidate, string? target, CancellationToken cancellation = default) =>
        Get<CandidateLayers>($"api/jobs/{id}/candidates/{candidate}/layers{(target is null ? "" : "?target=" + Uri.EscapeDataString(target))}", cancellation);

    public Task<ApiOutcome<JobView>> Submit(JsonObject spec, CancellationToken cancellation = default) =>
        Send<JobView>(HttpMethod.Post, "api/jobs", spec.ToJsonString(AutoDesignJson.Options), cancellation);

    public async Task<CatalogView> Catalog(CancellationToken cancellation = default) => (await Get<CatalogView>("api/catalog", cancellation))!;

    public Task<ApiOutcome<JobView>> Cancel(Guid id, CancellationToken cancellation = default) =>
        Send<JobView>(HttpMethod.Post, $"api/jobs/{id}/cancel", null, cancellation);

    public string ExportUrl(Guid id, int candidate, string format) => $"api/jobs/{id}/export?candidate={candidate}&format={format}";

    public async Task<ModelsView> Models(CancellationToken cancellation = default) => (await Get<ModelsView>("api/models", cancellation))!;

    public async Task<IReadOnlyList<TargetView>> Targets(CancellationToken cancellation = default) =>
        (await Get<IReadOnlyList<TargetView>>("api/targets", cancellation))!;

    public async Task<IReadOnlyList<DeviceView>> Devices(CancellationToken cancellation = default) =>
        (await Get<IReadOnlyList<DeviceView>>("api/devices", cancellation))!;

    public async Task<IReadOnlyList<SweepView>> Sweeps(CancellationToken cancellation = default) =>
        (await Get<IReadOnlyList<SweepView>>("api/sweeps", cancellation))!;

    public Task<IReadOnlyList<SweepRunView>?> SweepRuns(Guid id, CancellationToken cancellation = default) =>
        Get<IReadOnlyList<SweepRunView>>($"api/sweeps/{id}/runs", cancellation);

    public Task<ApiOutcome<SweepView>> CreateSweep(SweepSpec spec, CancellationToken cancellation = default) =>
        Send<SweepView>(HttpMethod.Post, "api/sweeps", JsonSerializer.Serialize(spec, AutoDesignJson.Options), cancellation);

    public Task<ApiOutcome<SweepView>> UpdateSweep(Guid id, SweepSpec spec, CancellationToken cancellation = default) =>
        Send<SweepView>(HttpMethod.Put, $"api/sweeps/{id}", JsonSerializer.Serialize(spec, AutoDesignJson.Options), cancellation);

    public async Task<ApiOutcome<bool>> DeleteSweep(Guid id, CancellationToken cancellation = default) =>
        await Send<JsonElement>(HttpMethod.Delete, $"api/sweeps/{id}", null, cancellation) switch
        {
            ApiOutcome<JsonElement>.Done => new ApiOutcome<bool>.Done(true),
            ApiOutcome<JsonElement>.Invalid invalid => new ApiOutcome<bool>.Invalid(invalid.Errors),
            ApiOutcome<JsonElement>.NeedsKey needs => new ApiOutcome<bool>.NeedsKey(needs.Reason),
            ApiOutcome<JsonElement>.Failed failed => new ApiOutcome<bool>.Failed(failed.Status, failed.Reason),
            _ => throw new InvalidOperationException("unknown outcome"),
        };

    private async Task<T?> Get<T>(string url, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (await key.Load() is { } apiKey) request.Headers.Add(KeyHeader, apiKey); // profiling reads need one where changes do
        using var response = await http.SendAsync(request, cancellation);
        if (response.StatusCode == HttpStatusCode.NotFound) return default;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(AutoDesignJson.Options, cancellation);
    }

    private async Task<ApiOutcome<T>> Send<T>(HttpMethod method, string url, string? json, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        if (await key.Load() is { } apiKey) request.Headers.Add(KeyHeader, apiKey);
        using var response = await http.SendAsync(request, cancellation);
        if (response.IsSuccessStatusCode)
            return new ApiOutcome<T>.Done(response.StatusCode == HttpStatusCode.NoContent ? default! : (await response.Content.ReadFromJsonAsync<T>(AutoDesignJson.Options, cancellation))!);
        var problem = await ReadProblem(response, cancellation);
        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest when problem?.Errors is { Count: > 0 } errors => new ApiOutcome<T>.Invalid(errors),
            HttpStatusCode.Unauthorized => new ApiOutcome<T>.NeedsKey(problem?.Detail ?? "this change needs an API key"),
            _ => new ApiOutcome<T>.Failed((int)response.StatusCode, problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "the request failed"),
        };
    }

    private sealed record Problem(string? Title, string? Detail, Dictionary<string, string[]>? Errors);

    private static async Task<Problem?> ReadProblem(HttpResponseMessage response, CancellationToken cancellation)
    {
        try { return await response.Content.ReadFromJsonAsync<Problem>(AutoDesignJson.Options, cancellation); }
        catch (Exception e) when (e is JsonException or NotSupportedException) { return null; }
    }
}
