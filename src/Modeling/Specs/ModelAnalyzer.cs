using System.Text.RegularExpressions;
using AutoDesign.Modeling.Sparsity;

namespace AutoDesign.Modeling.Specs;

/// <summary>Walks a spec once: checks every field, infers shapes and counts MACs and parameters.</summary>
internal static partial class ModelAnalyzer
{
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex LayerName();

    public static ModelAnalysis Analyze(ModelSpec spec)
    {
        if (string.IsNullOrWhiteSpace(spec.Name)) throw new ModelSpecException("name", "must not be empty");
        if (spec.Input is null) throw new ModelSpecException("input", "is required");
        if (spec.Input.Channels < 1) throw new ModelSpecException("input.channels", $"must be at least 1, got {spec.Input.Channels}");
        if (spec.Input.Height < 1) throw new ModelSpecException("input.height", $"must be at least 1, got {spec.Input.Height}");
        if (spec.Input.Width < 1) throw new ModelSpecException("input.width", $"must be at least 1, got {spec.Input.Width}");
        if (spec.Classes < 2) throw new ModelSpecException("classes", $"must be at least 2, got {spec.Classes}");
        if (spec.Input.Vocabulary is { } vocabulary)
        {
            if (vocabulary < 2) throw new ModelSpecException("input.vocabulary", $"must be at least 2, got {vocabulary}");
            if (spec.Input.Channels != 1 || spec.Input.Height != 1)
                throw new ModelSpecException("input", $"a token input has 1 channel, a height of 1 and the context length as its width, got {spec.Input.Channels}x{spec.Input.Height}x{spec.Input.Width}");
            if (spec.Classes != vocabulary)
                throw new ModelSpecException("classes", $"a language model scores the next token over its vocabulary of {vocabulary}, got {spec.Classes} classes");
        }
        if (spec.Input.Patch is { } patch)
        {
            if (spec.Input.IsTokens) throw new ModelSpecException("input.patch", "a token input has no patches");
            if (patch < 1) throw new ModelSpecException("input.patch", $"must be at least 1, got {patch}");
            if (spec.Input.Channels != patch * patch)
                throw new ModelSpecException("input.channels", $"a video clip in patches of {patch}x{patch} has one channel per pixel of a patch ({patch * patch}), got {spec.Input.Channels}");
            if (InputSpec.PatchesPerSide(spec.Input.Width) < 1)
                throw new ModelSpecException("input.width", $"a square frame has a square number of patches, got {spec.Input.Width}");
            if (spec.Classes != spec.Input.Channels)
                throw new ModelSpecException("classes", $"a next-frame model predicts the {spec.Input.Channels} pixels of each patch, got {spec.Classes} classes");
        }
        if (spec.Layers is null || spec.Layers.Count == 0) throw new ModelSpecException("layers", "a model needs at least one layer");
        if (spec.Input.IsVideo && spec.Layers[^1] is { } last && last.Activation != Activation.Sigmoid)
            throw new ModelSpecException($"layers[{spec.Layers.Count - 1}].activation", "a next-frame model writes pixels in [0, 1] (it trains with binary cross-entropy): its last layer ends in sigmoid");

        var shapes = new Dictionary<string, TensorShape>();
        var summaries = new List<LayerSummary>(spec.Layers.Count);
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i] ?? throw new ModelSpecException($"layers[{i}]", "is null");
            string at = $"layers[{i}]";
            if (layer.Name is null || !LayerName().IsMatch(layer.Name))
                throw new ModelSpecException($"{at}.name", $"'{layer.Name}' is not a valid layer name (a letter, then letters, digits or '_')");
            if (shapes.ContainsKey(layer.Name))
                throw new ModelSpecException($"{at}.name", $"'{layer.Name}' is used by an earlier layer");

            var inputs = ResolveInputs(spec, i, shapes, at);
            bool readsInput = spec.InputsOf(i).Count == 0;
            if (layer.Op == LayerOp.Embedding && !(readsInput && spec.Input.IsTokens))
                throw new ModelSpecException($"{at}.op", "an embedding reads the network's token input");
            if (readsInput && spec.Input.IsTokens && layer.Op != LayerOp.Embedding)
                throw new ModelSpecException($"{at}.op", $"token ids are read by an embedding layer, not a {Json(layer.Op)} layer");
            var summary = Summarize(layer, inputs, at, spec.Input.Vocabulary);
            shapes[layer.Name] = summary.OutputShape;
            summaries.Add(summary);
        }

        var output = summaries[^1].OutputShape;
        if (spec.Input.IsTokens && (output.Flat || output.Channels != spec.Classes || output.Height != 1 || output.Width != spec.Input.Width))
            throw new ModelSpecException($"layers[{summaries.Count - 1}]",
                $"the last layer must score the {spec.Classes} tokens at each of the {spec.Input.Width} positions ({spec.Classes}x1x{spec.Input.Width}), it produces {output}");
        if (spec.Input.IsVideo && (output.Flat || output.Channels != spec.Classes || output.Height != 1 || output.Width != spec.Input.Width))
            throw new ModelSpecException($"layers[{summaries.Count - 1}]",
                $"the last layer must predict the next frame, the {spec.Classes} pixels of each of its {spec.Input.Width} patches ({spec.Classes}x1x{spec.Input.Width}), it produces {output}");
        if (!spec.Input.IsTokens && !spec.Input.IsVideo && (!output.Flat || output.Channels != spec.Classes))
            throw new ModelSpecException($"layers[{summaries.Count - 1}]",
                $"the last layer must produce {spec.Classes} class scores, it produces {output}");

        var (groups, layouts) = ChannelTies.Find(spec, summaries);
        return new ModelAnalysis(summaries, groups, layouts);
    }

    private static List<TensorShape> ResolveInputs(ModelSpec spec, int index, Dictionary<string, TensorShape> shapes, string at)
    {
        var names = spec.InputsOf(index);
        if (names.Count == 0) return [spec.Input.Shape];
        var result = new List<TensorShape>(names.Count);
        for (int k = 0; k < names.Count; k++)
        {
            if (!shapes.TryGetValue(names[k], out var shape))
                throw new ModelSpecException($"{at}.inputs[{k}]", $"'{names[k]}' is not the name of an earlier layer");
            result.Add(shape);
        }
        return result;
    }

    internal static LayerSummary Summarize(LayerSpec layer, List<TensorShape> inputs, string at, int? vocabulary = null)
    {
        if (!layer.IsJoin && inputs.Count != 1)
            throw new ModelSpecException($"{at}.inputs", $"a {Json(layer.Op)} layer reads exactly one input, got {inputs.Count}");
        if (layer.Op != LayerOp.Conv && layer.Op != LayerOp.DepthwiseConv && layer.BatchNorm)
            throw new ModelSpecException($"{at}.batchNorm", $"only conv and dwconv layers take batch norm");
        if (layer.Op != LayerOp.Conv && layer.Groups is not null)
            throw new ModelSpecException($"{at}.groups", "only a conv layer takes groups");
        if (layer.Op != LayerOp.Upsample && layer.Scale is not null)
            throw new ModelSpecException($"{at}.scale", "only an upsample layer takes a scale");
        if (layer.Op is not (LayerOp.LayerNorm or LayerOp.RmsNorm) && layer.Epsilon is not null)
            throw new ModelSpecException($"{at}.epsilon", "only layer-norm and rms-norm layers take an epsilon");
        if (layer.Op != LayerOp.Attention && layer.HeadSize is not null)
            throw new ModelSpecException($"{at}.headSize", "only an attention layer takes a head size");
        if (layer.Op != LayerOp.Attention && layer.Causal)
            throw new ModelSpecException($"{at}.causal", "only an attention layer is causal");
        if (layer.Op != LayerOp.Attention && layer.Rotary)
            throw new ModelSpecException($"{at}.rotary", "only an attention layer takes rotary position embedding");
        if (layer.Op != LayerOp.Attention && layer.Heads is not null)
            throw new ModelSpecException($"{at}.heads", "only an attention layer takes head patterns");
        var input = inputs[0];

        switch (layer.Op)
        {
            case LayerOp.Conv:
            case LayerOp.DepthwiseConv:
            {
                RequireFeatureMap(layer, input, at);
                bool depthwise = layer.Op == LayerOp.DepthwiseConv;
                if (depthwise && layer.Out is not null && layer.Out != input.Channels)
                    throw new ModelSpecException($"{at}.out", $"a dwconv keeps its input's {input.Channels} channels; leave 'out' unset");
                int outChannels = depthwise ? input.Channels : RequireOut(layer, at);
                int groups = depthwise ? input.Channels : RequireGroups(layer, input.Channels, outChannels, at);
                var output = ConvOutput(layer, input, outChannels, at);
                long weightsPerFilter = (long)(input.Channels / groups) * layer.Kernel * layer.Kernel;
                long macs = output.Elements * weightsPerFilter;
                long parameters = outChannels * weightsPerFilter + (layer.BatchNorm ? 2L * outChannels : outChannels);
                return new LayerSummary(layer.Name, layer.Op, input.Channels, outChannels, layer.Kernel, layer.Stride,
                    groups, input, output, macs, parameters);
            }
            case LayerOp.Linear:
            {
                int outFeatures = RequireOut(layer, at);
                if (input.Elements > int.MaxValue) throw new ModelSpecException($"{at}", "the flattened input is too large");
                int inFeatures = (int)input.Elements;
                return new LayerSummary(layer.Name, layer.Op, inFeatures, outFeatures, 1, 1, 1, input,
                    TensorShape.Vector(outFeatures), (long)inFeatures * outFeatures, (long)inFeatures * outFeatures + outFeatures);
            }
            case LayerOp.MaxPool:
            case LayerOp.AvgPool:
            {
                RequireFeatureMap(layer, input, at);
                RequireNoOut(layer, at);
                var output = ConvOutput(layer, input, input.Channels, at);
                return Passing(layer, input, output);
            }
            case LayerOp.GlobalAvgPool:
                RequireFeatureMap(layer, input, at);
                return new LayerSummary(layer.Name, layer.Op, input.Channels, input.Channels, input.Height, 1, 0, input,
                    TensorShape.Vector(input.Channels), 0, 0);
            case LayerOp.Add:
            {
                if (inputs.Count < 2) throw new ModelSpecException($"{at}.inputs", "an add joins at least two inputs");
                for (int k = 1; k < inputs.Count; k++)
                    if (inputs[k] != input)
                        throw new ModelSpecException($"{at}.inputs", $"an add needs equal shapes, got {input} and {inputs[k]}");
                return Passing(layer, input, input);
            }
            case LayerOp.Concat:
            {
                if (inputs.Count < 2) throw new ModelSpecException($"{at}.inputs", "a concat joins at least two inputs");
                for (int k = 1; k < inputs.Count; k++)
                    if (inputs[k].Flat != input.Flat || inputs[k].Height != input.Height || inputs[k].Width != input.Width)
                        throw new ModelSpecException($"{at}.inputs", $"a concat needs inputs of one size, got {input} and {inputs[k]}");
                long channels = inputs.Sum(s => (long)s.Channels);
                if (channels > int.MaxValue) throw new ModelSpecException($"{at}.inputs", "the joined channels are too many");
                var output = input with { Channels = (int)channels };
                return new LayerSummary(layer.Name, layer.Op, (int)channels, (int)channels, 1, 1, 0, input, output, 0, 0);
            }
            case LayerOp.Mul:
            {
                if (inputs.Count != 2) throw new ModelSpecException($"{at}.inputs", $"a mul reads a feature map and a gate, got {inputs.Count} inputs");
                var gate = inputs[1];
                bool perChannel = gate.Channels == input.Channels && (gate.Flat || gate.Height * gate.Width == 1);
                if (gate != input && !perChannel)
                    throw new ModelSpecException($"{at}.inputs[1]", $"a mul's gate must have the map's shape {input} or one value per channel ({input.Channels}), got {gate}");
                return Passing(layer, input, input);
            }
            case LayerOp.Upsample:
            {
                RequireFeatureMap(layer, input, at);
                RequireNoOut(layer, at);
                int scale = layer.Scale switch
                {
                    null => throw new ModelSpecException($"{at}.scale", "an upsample layer needs 'scale'"),
                    < 1 or > 64 => throw new ModelSpecException($"{at}.scale", $"must be between 1 and 64, got {layer.Scale}"),
                    _ => layer.Scale.Value,
                };
                return Passing(layer, input, input with { Height = input.Height * scale, Width = input.Width * scale });
            }
            case LayerOp.LayerNorm:
            case LayerOp.RmsNorm:
            {
                RequireNoOut(layer, at);
                if (layer.Epsilon is { } epsilon && !(epsilon > 0 && epsilon < 1))
                    throw new ModelSpecException($"{at}.epsilon", $"must be between 0 and 1, got {epsilon}");
                return Passing(layer, input, input) with { Params = (layer.Op == LayerOp.LayerNorm ? 2L : 1L) * input.Channels };
            }
            case LayerOp.Projection:
            {
                RequireFeatureMap(layer, input, at);
                int outChannels = RequireOut(layer, at);
                long positions = (long)input.Height * input.Width;
                return new LayerSummary(layer.Name, layer.Op, input.Channels, outChannels, 1, 1, 1, input, input with { Channels = outChannels },
                    positions * input.Channels * outChannels, (long)input.Channels * outChannels + outChannels);
            }
            case LayerOp.Embedding:
            {
                int width = RequireOut(layer, at);
                var output = new TensorShape(width, 1, input.Width);
                return new LayerSummary(layer.Name, layer.Op, vocabulary!.Value, width, 1, 1, 0, input, output, 0, (long)vocabulary.Value * width);
            }
            case LayerOp.PositionEmbedding:
                RequireFeatureMap(layer, input, at);
                RequireNoOut(layer, at);
                return Passing(layer, input, input) with { Params = input.Elements };
            case LayerOp.LastRow:
                RequireFeatureMap(layer, input, at);
                RequireNoOut(layer, at);
                return Passing(layer, input, input with { Height = 1 });
            case LayerOp.Attention:
                return Attention(layer, inputs, at);
            default:
                throw new ModelSpecException($"{at}.op", $"unknown op {(int)layer.Op}");
        }
    }

    private static LayerSummary Attention(LayerSpec layer, List<TensorShape> inputs, string at)
    {
        RequireNoOut(layer, at);
        if (inputs.Count != 3) throw new ModelSpecException($"{at}.inputs", $"an attention layer reads the queries, keys and values, got {inputs.Count} inputs");
        var (queries, keys, values) = (inputs[0], inputs[1], inputs[2]);
        for (int k = 0; k < 3; k++)
        {
            if (inputs[k].Flat) throw new ModelSpecException($"{at}.inputs[{k}]", "attention reads feature maps (positions x channels), not a flat vector");
            if (inputs[k].Height != queries.Height || inputs[k].Width != queries.Width)
                throw new ModelSpecException($"{at}.inputs[{k}]", $"queries, keys and values need the same positions, got {queries} and {inputs[k]}");
        }
        int size = layer.HeadSize switch
        {
            null => throw new ModelSpecException($"{at}.headSize", "an attention layer needs 'headSize'"),
            < 1 => throw new ModelSpecException($"{at}.headSize", $"must be at least 1, got {layer.HeadSize}"),
            _ => layer.HeadSize.Value,
        };
        if (queries.Channels % size != 0)
            throw new ModelSpecException($"{at}.headSize", $"heads of {size} channels must divide the queries' {queries.Channels}");
        if (keys.Channels != values.Channels)
            throw new ModelSpecException($"{at}.inputs[2]", $"keys and values need the same channels, got {keys.Channels} and {values.Channels}");
        if (keys.Channels % size != 0 || (queries.Channels / size) % (keys.Channels / size) != 0)
            throw new ModelSpecException($"{at}.inputs[1]",
                $"keys of {keys.Channels} channels must make whole heads of {size} that the {queries.Channels / size} query heads share evenly");
        if (layer.Rotary && size % 2 != 0)
            throw new ModelSpecException($"{at}.rotary", $"rotary embedding pairs a head's channels, and {size} is odd");
        var patterns = HeadPatterns.Read(layer.Heads, $"{at}.heads", keys.Channels / size, queries.Height, queries.Width, layer.Causal);
        long macs = (long)Math.Round(2.0 * queries.Channels / (keys.Channels / size) // Q K^T and P V over the pairs each head reads
            * patterns.Sum(p => AttentionWork.PrefillPairs(p, queries.Height, queries.Width, layer.Causal)));
        return new LayerSummary(layer.Name, layer.Op, queries.Channels, queries.Channels, 1, 1, 0, queries, queries, macs, 0, 2 * keys.Channels);
    }

    // A layer without weights of its own whose channels follow its input.
    private static LayerSummary Passing(LayerSpec layer, TensorShape input, TensorShape output) =>
        new(layer.Name, layer.Op, input.Channels, input.Channels, layer.Kernel, layer.Stride, 0, input, output, 0, 0);

    private static void RequireNoOut(LayerSpec layer, string at)
    {
        if (layer.Out is not null) throw new ModelSpecException($"{at}.out", $"a {Json(layer.Op)} layer keeps its input's channels; leave 'out' unset");
    }

    private static int RequireGroups(LayerSpec layer, int inChannels, int outChannels, string at)
    {
        int groups = layer.EffectiveGroups;
        if (groups < 1) throw new ModelSpecException($"{at}.groups", $"must be at least 1, got {groups}");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ModelSpecException($"{at}.groups", $"{groups} groups must divide both the {inChannels} input and the {outChannels} output channels");
        return groups;
    }

    private static int RequireOut(LayerSpec layer, string at) => layer.Out switch
    {
        null => throw new ModelSpecException($"{at}.out", $"a {Json(layer.Op)} layer needs 'out'"),
        < 1 => throw new ModelSpecException($"{at}.out", $"must be at least 1, got {layer.Out}"),
        _ => layer.Out.Value,
    };

    private static void RequireFeatureMap(LayerSpec layer, TensorShape input, string at)
    {
        if (input.Flat) throw new ModelSpecException($"{at}.op", $"a {Json(layer.Op)} layer needs a feature map, its input is a flat vector");
    }

    private static TensorShape ConvOutput(LayerSpec layer, TensorShape input, int channels, string at)
    {
        if (layer.Kernel < 1) throw new ModelSpecException($"{at}.kernel", $"must be at least 1, got {layer.Kernel}");
        if (layer.Stride < 1) throw new ModelSpecException($"{at}.stride", $"must be at least 1, got {layer.Stride}");
        int padding = layer.EffectivePadding;
        if (padding < 0 || padding >= layer.Kernel)
            throw new ModelSpecException($"{at}.padding", $"must be between 0 and kernel - 1, got {padding}");
        int height = (input.Height + 2 * padding - layer.Kernel) / layer.Stride + 1;
        int width = (input.Width + 2 * padding - layer.Kernel) / layer.Stride + 1;
        if (height < 1 || width < 1)
            throw new ModelSpecException($"{at}.kernel", $"a {layer.Kernel}x{layer.Kernel} window does not fit the {input.Height}x{input.Width} input");
        return new TensorShape(channels, height, width);
    }

    private static string Json(LayerOp op) => System.Text.Json.JsonSerializer.Serialize(op).Trim('"');
}
