using System.Net;

namespace AutoDesign.Host.Tests.Service;

public sealed class UploadLimitTests() : ServiceTest("--AutoDesign:MaxUploadBytes=4096")
{
    [Fact]
    public async Task An_upload_over_the_limit_is_a_413_with_or_without_a_content_length()
    {
        byte[] weights = new byte[10_000];
        using var sized = new MultipartFormDataContent { { new StringContent("big"), "name" }, { new StringContent("mnist"), "dataset" }, { new ByteArrayContent(weights), "weights", "w.dat" } };
        var declared = await Service.Client.PostAsync("/api/models", sized);

        using var chunked = new MultipartFormDataContent { { new StringContent("big"), "name" }, { new StringContent("mnist"), "dataset" }, { new StreamContent(new UnsizedStream(weights)), "weights", "w.dat" } };
        var streamed = await Service.Client.PostAsync("/api/models", chunked);

        foreach (var response in new[] { declared, streamed })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Null(streamed.RequestMessage?.Content?.Headers.ContentLength);
    }

    /// <summary>A stream that does not know its length, so the client sends it chunked.</summary>
    private sealed class UnsizedStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
