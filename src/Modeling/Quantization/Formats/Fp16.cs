using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>Values rounded to IEEE half precision and carried on in float32, as a GPU kernel's FP16 operands are.</summary>
public static class Fp16
{
    public static Tensor Round(Tensor x) => x.to_type(ScalarType.Float16).to_type(ScalarType.Float32);
}
