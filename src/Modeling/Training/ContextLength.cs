using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// A language model at another context length, with the same weights. Rotary models need nothing else; a learned
/// position table is cut to a shorter context, and to a longer one it is repeated (position t starts from position
/// t mod the old context). Repeating keeps every window of the old length as the model knew it, which is what
/// character-level text mostly needs; fine-tuning at the new length then teaches positions apart. (Interpolating the
/// table instead, as position interpolation does for rotary models, would stretch each character over several
/// positions.)
/// </summary>
public static class ContextLength
{
    public static SpecNetwork Resize(SpecNetwork network, int context)
    {
        var spec = network.Spec;
        if (!spec.Input.IsTokens) throw new ArgumentException($"model '{spec.Name}' takes {spec.Input} inputs, not tokens: it has no context length", nameof(network));
        if (context < 1) throw new ArgumentOutOfRangeException(nameof(context), context, "a context holds at least one token");
        var resized = new SpecNetwork(spec with { Input = InputSpec.Tokens(context, spec.Input.Vocabulary!.Value) });
        using var noGrad = no_grad();
        try
        {
            var source = network.state_dict();
            foreach (var (name, target) in resized.state_dict())
            {
                var weight = source[name];
                if (weight.shape.SequenceEqual(target.shape)) target.copy_(weight);
                else if (PositionTable(spec, name) && weight.dim() == 3)
                {
                    var positions = arange(context, dtype: ScalarType.Int64).remainder(weight.shape[2]);
                    target.copy_(weight.index_select(2, positions));
                }
                else throw new InvalidOperationException($"{name} has shape [{string.Join(", ", weight.shape)}] and would need [{string.Join(", ", target.shape)}] at a context of {context}");
            }
        }
        catch
        {
            resized.Dispose();
            throw;
        }
        resized.eval();
        return resized;
    }

    private static bool PositionTable(ModelSpec spec, string parameter) =>
        spec.Layers.Any(l => l.Op == LayerOp.PositionEmbedding && parameter.EndsWith($"{l.Name}.weight", StringComparison.Ordinal));
}
