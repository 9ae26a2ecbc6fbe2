using AutoDesign.Modeling.Distributed;

namespace AutoDesign.Modeling.Tests.Distributed;

public sealed class GradientMessageTests
{
    [Fact]
    public void A_message_survives_encoding_and_a_sparse_one_is_a_fraction_of_the_dense_bytes()
    {
        var random = new Random(3);
        var positions = Enumerable.Range(0, 100_000).OrderBy(_ => random.Next()).Take(100).Order().ToArray(); // 0.1 %
        var message = new GradientMessage(
        [
            new LayerGradient(100_000, positions, [.. positions.Select(p => p * 0.5f - 7)]),
            new LayerGradient(3, null, [1.5f, -2f, float.Epsilon]),
        ]);

        var bytes = message.Encode();
        var decoded = GradientMessage.Decode(bytes);

        Assert.Equal(positions, decoded.Layers[0].Indices);
        Assert.Equal(message.Layers[0].Values, decoded.Layers[0].Values);
        Assert.Null(decoded.Layers[1].Indices);
        Assert.Equal(message.Layers[1].Values, decoded.Layers[1].Values);
        Assert.Equal(400_012, message.DenseBytes);
        Assert.True(bytes.Length < 100 * (4 + 3) + 20, $"{bytes.Length} bytes"); // float values, gaps of about 1,000 in two bytes
    }

    [Fact]
    public void A_malformed_message_is_refused()
    {
        var bytes = new GradientMessage([new LayerGradient(10, [2, 5], [1f, 2f])]).Encode();

        Assert.Throws<InvalidDataException>(() => GradientMessage.Decode(bytes[..^1])); // truncated
        Assert.Throws<InvalidDataException>(() => GradientMessage.Decode([.. bytes, 0])); // trailing bytes
        var outOfRange = new GradientMessage([new LayerGradient(10, [2, 12], [1f, 2f])]).Encode();
        Assert.Throws<InvalidDataException>(() => GradientMessage.Decode(outOfRange));
        Assert.Throws<InvalidDataException>(() => GradientMessage.Decode([1, 10, 9]));   // unknown layer kind
        Assert.Throws<InvalidDataException>(() => GradientMessage.Decode([1, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x07])); // 2^31 - 1 entries declared, none there
        Assert.Throws<InvalidDataException>(() => GradientMessage.Decode([1, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0])); // a count beyond 32 bits
    }
}
