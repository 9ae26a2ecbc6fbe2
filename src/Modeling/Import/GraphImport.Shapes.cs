using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Import;

/// <summary>The nodes that become layers without weights, or only change how a tensor is viewed: joins, pools, flattening, padding, resizing.</summary>
internal sealed partial class GraphImport
{
    private void Concat()
    {
        if (_node.Input.Any(n => _values[n] is ShapeNumbers || _values[n] is Constant))
        {
            Set(new ShapeNumbers());
            return;
        }
        long axis = Int("axis", 1);
        if (axis is not (1 or -3)) Refuse($"a concat along axis {axis} is not read; only channels (axis 1) are");
        var sources = _node.Input.Select((n, k) => Layer(_values[n], n, $"input {k}")).ToList();
        AddLayer(new LayerSpec { Name = NewName(), Op = LayerOp.Concat, Inputs = [.. sources.SelectMany(Inputs)] });
    }

    private void Pool()
    {
        bool max = _node.OpType == "MaxPool";
        var kernel = Ints("kernel_shape");
        if (kernel.Length != 2 || kernel[0] != kernel[1]) Refuse("only square 2-D windows are read");
        if (Int("ceil_mode", 0) != 0) Refuse("ceil_mode is not read");
        if (Ints("dilations").Any(d => d != 1)) Refuse("dilated pooling is not read");
        if (Text("auto_pad", "NOTSET") != "NOTSET") Refuse("auto_pad is not read; export with explicit pads");
        int padding = Padding(), stride = Square("strides", 1);
        var x = In(0);
        if (x is Padded padded)
        {
            if (max) Refuse("zero padding before a max pool is not read");
            padding += padded.Padding;
            x = padded.Source;
        }
        else if (!max && padding > 0 && Int("count_include_pad", 0) == 0)
            Refuse("an average pool that leaves its padding out of the mean (count_include_pad = 0) is not read");
        if (padding > kernel[0] / 2) Refuse($"padding {padding} is more than half the {kernel[0]}x{kernel[0]} window");
        var source = Layer(x, _node.Input[0], "its input");
        AddLayer(new LayerSpec
        {
            Name = NewName(), Op = max ? LayerOp.MaxPool : LayerOp.AvgPool, Kernel = (int)kernel[0], Stride = stride, Padding = padding,
            Inputs = Inputs(source),
        });
    }

    private void GlobalAveragePool(LayerOutput source)
    {
        if (source.Shape.Flat) Refuse("it pools a vector");
        AddLayer(new LayerSpec { Name = NewName(), Op = LayerOp.GlobalAvgPool, Inputs = Inputs(source) });
    }

    private void ReduceMean()
    {
        long[] axes = _opset >= 18 && Optional(1) is not null ? [.. Const(1, "axes").Data.Select(v => (long)v)] : Ints("axes");
        if (!axes.Order().SequenceEqual([2, 3]) && !axes.Order().SequenceEqual([-2, -1])) Refuse("a mean is read only over height and width");
        GlobalAveragePool(Layer(In(0), _node.Input[0], "its input"));
    }

    // A vector is a 1x1 map: adding or removing its height and width changes nothing.
    private void SpatialAxes()
    {
        long[] axes = _opset >= 13 && Optional(1) is not null ? [.. Const(1, "axes").Data.Select(v => (long)v)] : Ints("axes");
        var source = Layer(In(0), _node.Input[0], "its input");
        if (!source.Shape.Flat || axes.Length == 0 || axes.Any(a => a is not (2 or 3 or -1 or -2)))
            Refuse("only adding or removing the 1x1 height and width of a vector is read");
        Set(source with { Tensor = _node.Output[0] });
    }

    private void Flatten()
    {
        if (Int("axis", 1) != 1) Refuse("only a flatten from axis 1 is read");
        var source = Layer(In(0), _node.Input[0], "its input");
        Set(source.Shape.Flat ? source with { Tensor = _node.Output[0] } : new Flattened(source));
    }

    private void Reshape()
    {
        var source = Layer(In(0), _node.Input[0], "its input");
        if (In(1) is Constant shape)
        {
            long second = shape.Data.Length == 2 ? (long)shape.Data[1] : 0;
            if (shape.Data.Length != 2 || (second != -1 && second != source.Shape.Elements))
                Refuse($"a reshape to [{string.Join(",", shape.Data)}] is not read; only a flatten before the classifier is");
        }
        else if (In(1) is not ShapeNumbers) Refuse("a reshape to a computed shape is not read");
        Set(source.Shape.Flat ? source with { Tensor = _node.Output[0] } : new Flattened(source));
    }

    private void Pad()
    {
        if (Text("mode", "constant") != "constant") Refuse("only zero padding is read");
        long[] pads = _opset >= 11 ? [.. Const(1, "pads").Data.Select(v => (long)v)] : Ints("pads");
        float value = _opset >= 11 ? (Optional(2) is not null ? Const(2, "value").Data[0] : 0f) : Float("value", 0f);
        if (value != 0f) Refuse("only zero padding is read");
        if (pads.Length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || pads.Skip(2).Where((_, i) => i is 0 or 1 or 4 or 5).Distinct().Count() != 1)
            Refuse("only the same padding on every side of height and width is read");
        Set(new Padded(Layer(In(0), _node.Input[0], "its input"), (int)pads[2]));
    }

    private void Resize()
    {
        if (Text("mode", "nearest") != "nearest") Refuse("only nearest-neighbour resizing is read");
        string mapping = Text("coordinate_transformation_mode", _node.OpType == "Upsample" ? "asymmetric" : "half_pixel");
        string rounding = Text("nearest_mode", "round_prefer_floor");
        // At an integer scale, half-pixel centres round to floor(x / scale) whatever the rounding; asymmetric needs floor.
        bool exact = mapping is "half_pixel" or "pytorch_half_pixel" || mapping == "asymmetric" && (rounding == "floor" || _node.OpType == "Upsample");
        if (!exact) Refuse($"nearest resizing with {mapping} coordinates and {rounding} rounding is not read");
        var source = Layer(In(0), _node.Input[0], "its input");
        if (source.Shape.Flat) Refuse("it resizes a vector");
        int scalesInput = _node.OpType == "Upsample" ? 1 : 2;
        double[] scales;
        if (Optional(scalesInput) is not null && _values[_node.Input[scalesInput]] is Constant { Data.Length: 4 } s) scales = [.. s.Data.Select(v => (double)v)];
        else if (Optional(3) is not null && _values[_node.Input[3]] is Constant { Data.Length: 4 } sizes)
            scales = [1, 1, sizes.Data[2] / source.Shape.Height, sizes.Data[3] / source.Shape.Width];
        else { Refuse("its scales or sizes are not constant"); return; }
        if (scales[0] != 1 || scales[1] != 1 || scales[2] != scales[3] || scales[2] < 1 || scales[2] != Math.Floor(scales[2]))
            Refuse($"only the same integer scale for height and width is read, got [{string.Join(",", scales)}]");
        AddLayer(new LayerSpec { Name = NewName(), Op = LayerOp.Upsample, Scale = (int)scales[2], Inputs = Inputs(source) });
    }
}
