using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// One training step's windows: token ids (B, 1, 1, T), next tokens (B, 1, T), and optionally a loss weight per
/// next token (B, 1, T); without weights every token counts the same.
/// </summary>
public sealed record LanguageBatch(Tensor Inputs, Tensor Targets, Tensor? Weights = null)
{
    public LanguageBatch((Tensor Inputs, Tensor Targets) windows) : this(windows.Inputs, windows.Targets)
    {
    }
}
