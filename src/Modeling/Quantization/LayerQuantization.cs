namespace AutoDesign.Modeling.Quantization;

/// <summary>How one layer is quantized: bit-widths, the input's clipping value, and whether its input can be negative.</summary>
public sealed record LayerQuantization(int WeightBits, int ActivationBits, float ActivationClip, bool SignedInput);
