using System.Text.RegularExpressions;
using AutoDesign.Modeling.Specs;
using Onnx;

namespace AutoDesign.Modeling.Import;

/// <summary>One walk over an ONNX graph's nodes (in their topological order), building the spec's layers.</summary>
internal sealed partial class GraphImport
{
    private readonly GraphProto _graph;
    private readonly int _opset;
    private readonly string _name;
    private readonly Dictionary<string, GraphValue> _values = [];
    private readonly Dictionary<string, int> _readers = []; // how many node inputs (and graph outputs) read each tensor
    private readonly List<LayerSpec> _layers = [];
    private readonly Dictionary<string, TensorShape> _shapes = [];
    private readonly Dictionary<string, WeightTensor> _weights = [];
    private readonly List<string> _notes = [];
    private TensorShape _inputShape;
    private bool _endsWithSoftmax;
    private NodeProto _node = new();

    public GraphImport(GraphProto graph, int opset, string name)
    {
        _graph = graph;
        _opset = opset;
        _name = name;
    }

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NotAlphanumeric();

    public ImportedModel Run()
    {
        var initializers = _graph.Initializer.Select(t => t.Name).ToHashSet();
        foreach (var tensor in _graph.Initializer) _values[tensor.Name] = ConstantOf(tensor);
        var inputs = _graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1) throw new OnnxImportException(null, null, $"the graph has {inputs.Count} inputs; an image classifier takes one batch of images");
        var input = inputs[0];
        _inputShape = InputShape(input);
        _values[input.Name] = new LayerOutput(null, _inputShape, input.Name);
        if (_graph.Output.Count != 1)
            throw new OnnxImportException(null, null, $"the graph has {_graph.Output.Count} outputs; an image classifier has one, its class scores");
        foreach (var node in _graph.Node)
            foreach (var name in node.Input.Where(n => n.Length > 0)) _readers[name] = _readers.GetValueOrDefault(name) + 1;
        string output = _graph.Output[0].Name;
        _readers[output] = _readers.GetValueOrDefault(output) + 1;

        foreach (var node in _graph.Node)
        {
            _node = node;
            if (node.Domain is not ("" or "ai.onnx")) Refuse($"operators of domain '{node.Domain}' are not read");
            foreach (var name in node.Input.Where(n => n.Length > 0))
                if (!_values.ContainsKey(name)) Refuse($"it reads '{name}', which no earlier node or initializer makes");
            Import(node);
        }

        _node = new NodeProto();
        if (!_values.TryGetValue(output, out var last)) throw new OnnxImportException(null, null, $"no node makes the graph's output '{output}'");
        var scores = Layer(last, output, "the graph's output");
        if (scores.Layer is null || !scores.Shape.Flat)
            throw new OnnxImportException(null, null, $"the graph's output is a {scores.Shape} map, not one score per class");
        if (_layers[^1].Name != scores.Layer)
            throw new OnnxImportException(null, null, "the graph computes layers that do not lead to its output");
        var spec = new ModelSpec
        {
            Name = _name, Input = new InputSpec(_inputShape.Channels, _inputShape.Height, _inputShape.Width), Classes = scores.Shape.Channels, Layers = _layers,
        };
        try
        {
            spec.Analyze();
        }
        catch (ModelSpecException e)
        {
            throw new OnnxImportException(null, null, $"the imported network is not a valid spec: {e.Message}");
        }
        return new ImportedModel(spec, _weights, _opset, _endsWithSoftmax, _notes);
    }

    private static TensorShape InputShape(ValueInfoProto input)
    {
        var type = input.Type?.TensorType;
        if (type is null || type.ElemType != 1) throw new OnnxImportException(null, null, $"input '{input.Name}' is not a float tensor");
        var dims = type.Shape?.Dim;
        if (dims is null || dims.Count != 4)
            throw new OnnxImportException(null, null, $"input '{input.Name}' has {dims?.Count ?? 0} dimensions; images are (batch, channels, height, width)");
        string[] what = ["batch", "channels", "height", "width"];
        for (int k = 1; k < 4; k++)
            if (dims[k].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || dims[k].DimValue < 1)
                throw new OnnxImportException(null, null, $"input '{input.Name}' has a dynamic {what[k]}; export the model with a fixed image size");
        return new TensorShape((int)dims[1].DimValue, (int)dims[2].DimValue, (int)dims[3].DimValue);
    }

    private void Import(NodeProto node)
    {
        switch (node.OpType)
        {
            case "Conv": Conv(); break;
            case "BatchNormalization": BatchNorm(); break;
            case "Gemm": Gemm(); break;
            case "MatMul": MatMul(); break;
            case "Relu": Activate(Activation.Relu); break;
            case "Sigmoid": Activate(Activation.Sigmoid); break;
            case "HardSwish": Activate(Activation.HardSwish); break;
            case "HardSigmoid": HardSigmoid(); break;
            case "Clip": Clip(); break;
            case "Gelu": Activate(Text("approximate", "none") == "tanh" ? Activation.GeluTanh : Activation.Gelu); break;
            case "Mul": Mul(); break;
            case "Div": Div(); break;
            case "Erf": Erf(); break;
            case "Tanh": Tanh(); break;
            case "Add": Add(); break;
            case "Concat": Concat(); break;
            case "MaxPool" or "AveragePool": Pool(); break;
            case "GlobalAveragePool": GlobalAveragePool(Layer(In(0), node.Input[0], "its input")); break;
            case "ReduceMean": ReduceMean(); break;
            case "Flatten": Flatten(); break;
            case "Reshape": Reshape(); break;
            case "Pad": Pad(); break;
            case "Resize" or "Upsample": Resize(); break;
            case "Dropout" or "Identity": Set(In(0)); break;
            case "Softmax": Softmax(); break;
            case "Constant": Set(ConstantNode()); break;
            case "Shape": Set(new ShapeNumbers()); break;
            case "Gather" or "Unsqueeze" or "Squeeze" or "Cast" or "Slice" when In(0) is ShapeNumbers: Set(new ShapeNumbers()); break;
            case "Unsqueeze" or "Squeeze": SpatialAxes(); break;
            default: Refuse("this operator is not one the importer reads (see the README's list)"); break;
        }
    }

    private GraphValue In(int index) => _values[_node.Input[index]];

    private string? Optional(int index) => index < _node.Input.Count && _node.Input[index].Length > 0 ? _node.Input[index] : null;

    private void Set(GraphValue value) => _values[_node.Output[0]] = value;

    private Constant Const(int index, string what)
    {
        if (Optional(index) is null || _values[_node.Input[index]] is not Constant constant) { Refuse($"its {what} are not constant"); return null!; }
        return constant;
    }

    private Constant ConstantNode()
    {
        var attribute = _node.Attribute.FirstOrDefault(a => a.Name is "value" or "value_float" or "value_floats" or "value_int" or "value_ints");
        return attribute?.Name switch
        {
            "value" => ConstantOf(attribute.T),
            "value_float" => new Constant([attribute.F], []),
            "value_floats" => new Constant([.. attribute.Floats], [attribute.Floats.Count]),
            "value_int" => new Constant([attribute.I], []),
            "value_ints" => new Constant([.. attribute.Ints.Select(v => (float)v)], [attribute.Ints.Count]),
            _ => Fail(),
        };
        Constant Fail() { Refuse("only numeric constants are read"); return null!; }
    }

    private Constant ConstantOf(TensorProto tensor)
    {
        if (!OnnxTensors.IsNumeric(tensor)) Refuse($"tensor '{tensor.Name}' does not hold numbers the importer reads");
        try
        {
            var data = OnnxTensors.Floats(tensor);
            var dims = OnnxTensors.Dims(tensor);
            if (data.Length != OnnxTensors.Elements(dims)) throw new FormatException($"tensor '{tensor.Name}' has {data.Length} values for its shape");
            return new Constant(data, dims);
        }
        catch (FormatException e)
        {
            throw new OnnxImportException(_node.Name.Length > 0 ? _node.Name : null, _node.OpType.Length > 0 ? _node.OpType : null, e.Message);
        }
    }

    /// <summary>The layer output a value stands for, attaching a pending activation to its layer where nothing else reads the layer.</summary>
    private LayerOutput Layer(GraphValue value, string tensor, string what)
    {
        switch (value)
        {
            case LayerOutput output:
                return output;
            case Activated pending:
            {
                var source = pending.Source;
                LayerOutput result;
                if (source.Layer is { } name && _readers[source.Tensor] == pending.Uses && _layers[IndexOf(name)].Activation == Activation.None)
                {
                    _layers[IndexOf(name)] = _layers[IndexOf(name)] with { Activation = pending.Activation };
                    result = source with { Tensor = tensor };
                }
                else
                {
                    // The pre-activation value is read elsewhere too: the activation becomes a layer of its own (a 1x1 max pool is the identity).
                    string layer = Unique($"{source.Layer ?? "input"}_{pending.Activation.ToString().ToLowerInvariant()}");
                    _layers.Add(new LayerSpec { Name = layer, Op = LayerOp.MaxPool, Kernel = 1, Padding = 0, Activation = pending.Activation, Inputs = Inputs(source) });
                    _shapes[layer] = source.Shape;
                    result = new LayerOutput(layer, source.Shape, tensor);
                }
                _values[tensor] = result;
                return result;
            }
            case MatMulOutput product:
            {
                AddLinear(product.Source, product.Weight, product.In, product.Out, new float[product.Out], product.Node);
                return (LayerOutput)(_values[tensor] = new LayerOutput(product.Node, TensorShape.Vector(product.Out), tensor));
            }
            case Flattened:
                Refuse($"{what} is a flattened map, which only a linear layer reads");
                break;
            case Padded:
                Refuse($"{what} is padded, which only a conv or an average pool absorbs");
                break;
            case GeluStep:
                Refuse($"{what} is part of a GELU pattern that does not complete");
                break;
            default:
                Refuse($"{what} is a constant or a shape where a feature map is expected");
                break;
        }
        return null!;
    }

    private static IReadOnlyList<string> Inputs(LayerOutput source) => source.Layer is null ? [] : [source.Layer];

    private void AddLayer(LayerSpec layer, params (string Key, WeightTensor Value)[] weights)
    {
        var inputs = layer.Inputs is { Count: > 0 } names ? names.Select(n => _shapes[n]).ToList() : [_inputShape];
        LayerSummary summary;
        try
        {
            summary = ModelAnalyzer.Summarize(layer, inputs, layer.Name);
        }
        catch (ModelSpecException e)
        {
            Refuse(e.Reason);
            return;
        }
        _layers.Add(layer);
        _shapes[layer.Name] = summary.OutputShape;
        foreach (var (key, value) in weights) _weights[$"{layer.Name}.{key}"] = value;
        Set(new LayerOutput(layer.Name, summary.OutputShape, _node.Output[0]));
    }

    private int IndexOf(string layer) => _layers.FindIndex(l => l.Name == layer);

    // A layer name from the node's name: PyTorch's "/stem/stem.0/Conv" (module path, then op) becomes "stem_0",
    // "/se/squeeze/Conv" "se_squeeze", "/Add" "add"; other names are kept with their punctuation replaced.
    private string NewName()
    {
        var segments = _node.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string name = segments.Length == 0 ? _node.OpType
            : _node.Name.StartsWith('/') && segments.Length == 1 ? segments[0]
            : _node.Name.StartsWith('/') ? string.Join("_", segments[..^1].Where((s, i) => i + 1 >= segments.Length - 1 || !segments[i + 1].StartsWith(s + ".", StringComparison.Ordinal)))
            : _node.Name;
        name = NotAlphanumeric().Replace(name, "_").Trim('_');
        if (name.Length == 0) name = _node.OpType;
        if (_node.Name.StartsWith('/') && segments.Length == 1) name = name.ToLowerInvariant();
        if (!char.IsAsciiLetter(name[0])) name = "n" + name;
        if (name.Length > 60) name = "n_" + name[^58..].TrimStart('_');
        return Unique(name);
    }

    private string Unique(string name)
    {
        string candidate = name;
        for (int k = 2; _shapes.ContainsKey(candidate); k++) candidate = $"{name}_{k}";
        _shapes[candidate] = default; // reserved until the layer is added
        return candidate;
    }

    // --- attributes

    private AttributeProto? Attribute(string name) => _node.Attribute.FirstOrDefault(a => a.Name == name);

    private long Int(string name, long fallback) => Attribute(name) is { } a ? a.I : fallback;

    private float Float(string name, float fallback) => Attribute(name) is { } a ? a.F : fallback;

    private string Text(string name, string fallback) => Attribute(name) is { } a ? a.S.ToStringUtf8() : fallback;

    private long[] Ints(string name) => Attribute(name) is { } a ? [.. a.Ints] : [];

    private int Square(string name, int fallback)
    {
        var values = Ints(name);
        if (values.Length == 0) return fallback;
        if (values.Length != 2 || values[0] != values[1]) Refuse($"only the same {name} for height and width are read");
        return (int)values[0];
    }

    private int Padding()
    {
        var pads = Ints("pads");
        if (pads.Length == 0) return 0;
        if (pads.Distinct().Count() != 1) Refuse("only the same padding on every side is read");
        return (int)pads[0];
    }

    private void Refuse(string reason) =>
        throw new OnnxImportException(_node.Name.Length > 0 ? _node.Name : $"#{_graph.Node.IndexOf(_node)}", _node.OpType, reason);
}
