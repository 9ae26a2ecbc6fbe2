using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Zoo;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// Turns a sub-network into a stand-alone <see cref="ModelSpec"/> of ordinary layers (the same shape as the zoo's
/// MobileNetV2: s{i}b{j}_expand, _dw, _project and _add per block) and a <see cref="SpecNetwork"/> carrying the
/// weights it inherits: the active kernels materialised through their transforms, the active hidden channels
/// sliced, batch-norm statistics copied. In inference mode it computes what the super-network computes for that choice.
/// </summary>
public static class SubnetExtraction
{
    public static ModelSpec Spec(SupernetLayout layout, SubnetChoice choice, string name)
    {
        new SubnetSpace(layout).Validate(choice);
        var b = new SpecBuilder(name, layout.Input, layout.Classes);
        string previous = b.Conv("stem", layout.StemChannels, kernel: 3, stride: layout.StemStride, activation: Activation.Relu6);
        for (int s = 0, first = 0; s < layout.Stages.Count; first += layout.Stages[s].MaxDepth, s++)
        {
            var stage = layout.Stages[s];
            for (int k = 0; k < choice.Depths[s]; k++)
            {
                string id = SuperNetwork.BlockName(s, k);
                int inChannels = layout.InputChannels(s, k), stride = k == 0 ? stage.Stride : 1;
                b.Conv($"{id}_expand", inChannels * choice.Expansions[first + k], kernel: 1, activation: Activation.Relu6, input: previous);
                b.DepthwiseConv($"{id}_dw", kernel: choice.Kernels[first + k], stride: stride, activation: Activation.Relu6);
                string projected = b.Conv($"{id}_project", stage.Channels, kernel: 1, activation: Activation.None);
                previous = stride == 1 && inChannels == stage.Channels ? b.Residual($"{id}_add", [projected, previous]) : projected;
            }
        }
        b.Conv("head", layout.HeadChannels, kernel: 1, activation: Activation.Relu6, input: previous);
        b.GlobalAvgPool("gap");
        b.Linear("fc", layout.Classes);
        return b.Build();
    }

    /// <summary>The sub-network with its inherited weights, in inference mode; the caller owns it.</summary>
    public static SpecNetwork Extract(SuperNetwork supernet, SubnetChoice choice, string name = "ofa-subnet")
    {
        var spec = Spec(supernet.Layout, choice, name);
        var weights = new Dictionary<string, Tensor>();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();

        void Conv(string layer, Tensor weight) => weights[$"{layer}.conv.weight"] = weight;
        void Norm(string layer, BatchNorm2d bn, long channels)
        {
            weights[$"{layer}.bn.weight"] = bn.weight.narrow(0, 0, channels);
            weights[$"{layer}.bn.bias"] = bn.bias!.narrow(0, 0, channels);
            weights[$"{layer}.bn.running_mean"] = bn.running_mean!.narrow(0, 0, channels);
            weights[$"{layer}.bn.running_var"] = bn.running_var!.narrow(0, 0, channels);
            weights[$"{layer}.bn.num_batches_tracked"] = bn.num_batches_tracked!;
        }

        Conv("stem", supernet.Stem.weight!);
        Norm("stem", supernet.StemNorm, supernet.Layout.StemChannels);
        var layout = supernet.Layout;
        for (int s = 0, first = 0; s < layout.Stages.Count; first += layout.Stages[s].MaxDepth, s++)
            for (int k = 0; k < choice.Depths[s]; k++)
            {
                string id = SuperNetwork.BlockName(s, k);
                var block = supernet.Block(s, k);
                long hidden = block.InChannels * choice.Expansions[first + k];
                Conv($"{id}_expand", block.ExpandWeight.narrow(0, 0, hidden));
                Norm($"{id}_expand", block.ExpandNorm, hidden);
                Conv($"{id}_dw", block.Depthwise.Filters(choice.Kernels[first + k], hidden));
                Norm($"{id}_dw", block.DepthwiseNorm, hidden);
                Conv($"{id}_project", block.ProjectWeight.narrow(1, 0, hidden));
                Norm($"{id}_project", block.ProjectNorm, block.OutChannels);
            }
        Conv("head", supernet.Head.weight!);
        Norm("head", supernet.HeadNorm, layout.HeadChannels);
        weights["fc.fc.weight"] = supernet.Classifier.weight!;
        weights["fc.fc.bias"] = supernet.Classifier.bias!;

        var network = new SpecNetwork(spec);
        network.load_state_dict(weights, strict: true);
        network.eval();
        return network;
    }
}
