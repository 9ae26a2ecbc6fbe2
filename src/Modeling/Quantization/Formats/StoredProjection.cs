using static TorchSharp.torch;

namespace AutoDesign.Modeling.Quantization.Formats;

/// <summary>What a prepared projection stores, in the layouts an exporter writes; every tensor is out x in or per output channel.</summary>
public abstract record StoredProjection(Tensor? InputScales);

/// <summary>
/// 4-bit weights in blocks along the input (W4A16): y = (x / InputScales) W^T with W[o, k] = (Codes[o, k] - Zeros[o, b]) Scales[o, b],
/// b = k / BlockSize; activations stay in 16 (here 32) bits.
/// </summary>
public sealed record Int4BlockWeights(Tensor Codes, Tensor Scales, Tensor Zeros, int BlockSize, Tensor? InputScales) : StoredProjection(InputScales);

/// <summary>
/// INT8 weights per output channel (W8A8, and W4A8 after QServe's 8-bit restore): each token of x / InputScales is
/// quantized to INT8 with its own scale, multiplied in integers by Codes^T, and scaled by its scale and Scales[o].
/// </summary>
public sealed record Int8RowWeights(Tensor Codes, Tensor Scales, Tensor? InputScales) : StoredProjection(InputScales);
