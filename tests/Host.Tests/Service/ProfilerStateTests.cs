using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AutoDesign.Host.Tests.Service;

public sealed class ProfilerStateTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_measurement_is_kept_as_grain_state_in_the_database_and_survives_a_restart()
    {
        const string url = "/api/targets/torchsharp-cpu/profile?model=lenet5";
        string first, second;
        string[] samePort = [$"--AutoDesign:SiloPort={FreePorts.Next()}"]; // a silo restarted at the same address owns the same device
        await using (var service = await TestService.Start(_data.Root, samePort))
            first = await service.Client.GetStringAsync(url);
        await using (var service = await TestService.Start(_data.Root, samePort))
        {
            second = await service.Client.GetStringAsync(url);
            var bad = await service.Client.GetAsync(url + "&silo=10.9.9.9:1@1");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.True((await bad.Json()).GetProperty("errors").TryGetProperty("silo", out _));
            var devices = await service.Client.GetFromJsonAsync<JsonElement>("/api/devices");
            Assert.Single(devices.EnumerateArray().Select(d => d.GetProperty("silo").GetString()).Distinct()); // the earlier run's records were replaced
        }

        // Two measurements of a real device never agree to the last digit; the restarted silo served the stored one.
        Assert.Equal(first, second);
        Assert.StartsWith("127.0.0.1:", JsonDocument.Parse(first).RootElement.GetProperty("measuredOn").GetString());
    }
}
