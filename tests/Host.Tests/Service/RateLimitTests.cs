using System.Net;

namespace AutoDesign.Host.Tests.Service;

public sealed class RateLimitTests() : ServiceTest("--AutoDesign:ExpensiveReadsPerMinute=3")
{
    [Fact]
    public async Task Expensive_reads_are_limited_per_client_with_a_429_that_says_when_to_retry_and_cheap_reads_are_not()
    {
        const string profile = "/api/targets/bitfusion/profile?model=lenet5&dataset=mnist";
        for (int i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await Service.Client.GetAsync(profile)).StatusCode);

        var refused = await Service.Client.GetAsync(profile);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Service.Client.GetAsync($"/api/jobs/{Guid.NewGuid()}/candidates/0/layers")).StatusCode);
        for (int i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await Service.Client.GetAsync("/api/jobs")).StatusCode);
    }
}
