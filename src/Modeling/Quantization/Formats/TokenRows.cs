using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>A (B, C, H, W) map as the (B H W, C) matrix of its tokens, the layout a GEMM kernel reads, and back.</summary>
public static class TokenRows
{
    public static Tensor FromMap(Tensor map) => map.permute(0, 2, 3, 1).reshape(-1, map.shape[1]);

    public static Tensor ToMap(Tensor rows, long batch, long height, long width) =>
        rows.reshape(batch, height, width, rows.shape[1]).permute(0, 3, 1, 2);
}
