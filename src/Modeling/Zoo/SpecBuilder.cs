using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>Appends layers to a spec in execution order; each method returns the new layer's name for later joins.</summary>
public sealed class SpecBuilder(string name, InputSpec input, int classes)
{
    private readonly List<LayerSpec> _layers = [];

    public string Conv(string name, int @out, int kernel = 3, int stride = 1, bool batchNorm = true,
        Activation activation = Activation.Relu, string? input = null, int? padding = null) =>
        Add(new LayerSpec
        {
            Name = name, Op = LayerOp.Conv, Out = @out, Kernel = kernel, Stride = stride, Padding = padding,
            BatchNorm = batchNorm, Activation = activation, Inputs = input is null ? null : [input],
        });

    public string DepthwiseConv(string name, int kernel = 3, int stride = 1, Activation activation = Activation.Relu) =>
        Add(new LayerSpec
        {
            Name = name, Op = LayerOp.DepthwiseConv, Kernel = kernel, Stride = stride, BatchNorm = true, Activation = activation,
        });

    public string MaxPool(string name, int kernel = 2, int? stride = null, int padding = 0) =>
        Add(new LayerSpec { Name = name, Op = LayerOp.MaxPool, Kernel = kernel, Stride = stride ?? kernel, Padding = padding });

    public string GlobalAvgPool(string name) => Add(new LayerSpec { Name = name, Op = LayerOp.GlobalAvgPool });

    public string Linear(string name, int @out, Activation activation = Activation.None) =>
        Add(new LayerSpec { Name = name, Op = LayerOp.Linear, Out = @out, Activation = activation });

    /// <summary>
    /// Squeeze-and-excitation on <paramref name="map"/> (Hu et al. 2018): global pooling, a squeeze and an excite
    /// layer (1x1 convs on a 1x1 map, written as linear layers), and the map scaled channel by channel by the gate.
    /// </summary>
    public string SqueezeExcite(string id, string map, int channels, int squeeze, Activation inner, Activation gate)
    {
        Add(new LayerSpec { Name = $"{id}_pool", Op = LayerOp.GlobalAvgPool, Inputs = [map] });
        Linear($"{id}_squeeze", squeeze, inner);
        string excite = Linear($"{id}_excite", channels, gate);
        return Add(new LayerSpec { Name = $"{id}_scale", Op = LayerOp.Mul, Inputs = [map, excite] });
    }

    public string Residual(string name, IReadOnlyList<string> inputs, Activation activation = Activation.None) =>
        Add(new LayerSpec { Name = name, Op = LayerOp.Add, Inputs = inputs, Activation = activation });

    /// <summary>Any layer, as given.</summary>
    public string Layer(LayerSpec layer) => Add(layer);

    /// <summary>A per-position linear map (a transformer's projections), reading <paramref name="input"/> or the previous layer.</summary>
    public string Projection(string name, int @out, Activation activation = Activation.None, string? input = null) =>
        Add(new LayerSpec { Name = name, Op = LayerOp.Projection, Out = @out, Activation = activation, Inputs = input is null ? null : [input] });

    /// <summary>The name of the most recent layer (what the next layer reads by default).</summary>
    public string Last => _layers[^1].Name;

    public ModelSpec Build()
    {
        var spec = new ModelSpec { Name = name, Input = input, Classes = classes, Layers = _layers.ToList() };
        spec.Analyze();
        return spec;
    }

    private string Add(LayerSpec layer)
    {
        _layers.Add(layer);
        return layer.Name;
    }
}
