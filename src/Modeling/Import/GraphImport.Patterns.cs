using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Import;

/// <summary>Activations, and the elementary-operator patterns (SiLU, hard-swish, GELU, bias adds) fused into the layers they follow.</summary>
internal sealed partial class GraphImport
{
    private void Activate(Activation activation) => Set(new Activated(Layer(In(0), _node.Input[0], "its input"), activation, 1));

    private void HardSigmoid()
    {
        if (Math.Abs(Float("alpha", 0.2f) - 1f / 6) > 1e-6 || Math.Abs(Float("beta", 0.5f) - 0.5f) > 1e-6)
            Refuse("only PyTorch's hard sigmoid (alpha 1/6, beta 0.5) is read");
        Activate(Activation.HardSigmoid);
    }

    private void Clip()
    {
        float? min = _opset >= 11 ? (Optional(1) is not null ? Const(1, "min").Data[0] : null) : Float("min", float.MinValue);
        float? max = _opset >= 11 ? (Optional(2) is not null ? Const(2, "max").Data[0] : null) : Float("max", float.MaxValue);
        if (min == 0 && max == 6) Activate(Activation.Relu6);
        else if (min == 0 && max is null or float.MaxValue) Activate(Activation.Relu);
        else Refuse("only Clip(0, 6) (ReLU6) and Clip(0) (ReLU) are read");
    }

    private void Mul()
    {
        var (a, b) = (In(0), In(1));
        for (int turn = 0; turn < 2; turn++, (a, b) = (b, a))
        {
            switch (a, b)
            {
                case (LayerOutput x, Activated { Activation: Activation.Sigmoid or Activation.HardSigmoid } gate) when gate.Source.Tensor == x.Tensor:
                    Set(new Activated(gate.Source, gate.Activation == Activation.Sigmoid ? Activation.Silu : Activation.HardSwish, gate.Uses + 1));
                    return;
                case (LayerOutput x, LayerOutput y) when turn == 0 && x.Tensor == y.Tensor:
                    Set(new GeluStep(x, Tanh: true, 1));
                    return;
                case (LayerOutput x, GeluStep { Tanh: true, Step: 1 } square) when square.Source.Tensor == x.Tensor:
                    Set(square with { Step = 2 });
                    return;
                case (GeluStep { Tanh: true, Step: 2 } cube, Constant { IsScalar: true } c) when Near(c, 0.044715f):
                    Set(cube with { Step = 3 });
                    return;
                case (GeluStep { Tanh: true, Step: 4 } sum, Constant { IsScalar: true } k) when Near(k, MathF.Sqrt(2 / MathF.PI)):
                    Set(sum with { Step = 5 });
                    return;
                case (LayerOutput x, GeluStep { Step: var n } step) when step.Source.Tensor == x.Tensor && n == (step.Tanh ? 7 : 3):
                    Set(step with { Step = n + 1 });
                    return;
                case (GeluStep { Last: true } step, Constant { IsScalar: true } half) when Near(half, 0.5f):
                    Set(new Activated(step.Source, step.Tanh ? Activation.GeluTanh : Activation.Gelu, step.Uses));
                    return;
            }
        }
        if (a is Constant || b is Constant) Refuse("a product with a constant is read only as part of GELU");
        var first = Layer(a, _node.Input[0], "its first input");
        var second = Layer(b, _node.Input[1], "its second input");
        // The map is the larger operand; a gate of one value per channel is broadcast over it.
        var (map, factor) = second.Shape.Elements > first.Shape.Elements ? (second, first) : (first, second);
        AddLayer(new LayerSpec { Name = NewName(), Op = LayerOp.Mul, Inputs = [.. Inputs(map), .. Inputs(factor)] });
    }

    private static bool Near(Constant constant, float value) => Math.Abs(constant.Data[0] - value) <= 1e-5f * Math.Max(1, Math.Abs(value));

    private void Div()
    {
        if (In(0) is LayerOutput x && In(1) is Constant { IsScalar: true } c && Near(c, MathF.Sqrt(2))) Set(new GeluStep(x, Tanh: false, 1));
        else Refuse("a division is read only as part of GELU (x / sqrt 2)");
    }

    private void Erf()
    {
        if (In(0) is GeluStep { Tanh: false, Step: 1 } step) Set(step with { Step = 2 });
        else Refuse("Erf is read only as part of GELU");
    }

    private void Tanh()
    {
        if (In(0) is GeluStep { Tanh: true, Step: 5 } step) Set(step with { Step = 6 });
        else Refuse("Tanh is read only as part of GELU's tanh approximation");
    }

    private void Add()
    {
        var (a, b) = (In(0), In(1));
        for (int turn = 0; turn < 2; turn++, (a, b) = (b, a))
        {
            switch (a, b)
            {
                case (GeluStep { Step: var n } step, Constant { IsScalar: true } one) when n == (step.Tanh ? 6 : 2) && Near(one, 1f):
                    Set(step with { Step = n + 1 });
                    return;
                case (LayerOutput x, GeluStep { Tanh: true, Step: 3 } step) when step.Source.Tensor == x.Tensor:
                    Set(step with { Step = 4 });
                    return;
                case (MatMulOutput product, Constant bias) when bias.Data.Length == product.Out:
                    AddLinear(product.Source, product.Weight, product.In, product.Out, bias.Data, product.Node);
                    return;
            }
        }
        if (a is Constant || b is Constant) Refuse("adding a constant is read only as a linear layer's bias or part of GELU");
        var first = Layer(a, _node.Input[0], "its first input");
        var second = Layer(b, _node.Input[1], "its second input");
        AddLayer(new LayerSpec { Name = NewName(), Op = LayerOp.Add, Inputs = [.. Inputs(first), .. Inputs(second)] });
    }

    private void Softmax()
    {
        if (!_graph.Output.Any(o => o.Name == _node.Output[0])) Refuse("a softmax is read only as the graph's last node");
        _endsWithSoftmax = true;
        _notes.Add("the final softmax is left out: the network gives class scores");
        Set(In(0));
    }
}
