using AutoDesign.Modeling.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// The weight-sharing super-network of a <see cref="SupernetLayout"/>. <see cref="Select"/> picks the sub-network
/// the next forward passes run (every block's kernel and expansion, every stage's depth); all sub-networks share
/// one set of weights. It starts with the largest sub-network selected.
/// </summary>
public sealed class SuperNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d stem;
    private readonly BatchNorm2d stem_bn;
    private readonly ModuleList<ElasticInvertedResidual> blocks;
    private readonly Conv2d head;
    private readonly BatchNorm2d head_bn;
    private readonly Linear classifier;
    private readonly int[] _firstBlock; // index in `blocks` of each stage's first block

    static SuperNetwork() => TorchRuntime.EnsureInitialized();

    public SuperNetwork(SupernetLayout layout) : base("supernet")
    {
        Space = new SubnetSpace(layout);
        Layout = layout;
        stem = nn.Conv2d(layout.Input.Channels, layout.StemChannels, 3, stride: layout.StemStride, padding: 1, bias: false);
        stem_bn = nn.BatchNorm2d(layout.StemChannels, eps: SpecNetwork.BatchNormEpsilon);
        blocks = new ModuleList<ElasticInvertedResidual>();
        _firstBlock = new int[layout.Stages.Count];
        for (int s = 0; s < layout.Stages.Count; s++)
        {
            _firstBlock[s] = blocks.Count;
            var stage = layout.Stages[s];
            for (int b = 0; b < stage.MaxDepth; b++)
                blocks.Add(new ElasticInvertedResidual(BlockName(s, b), layout.InputChannels(s, b), stage.Channels, b == 0 ? stage.Stride : 1, layout));
        }
        head = nn.Conv2d(layout.Stages[^1].Channels, layout.HeadChannels, 1, bias: false);
        head_bn = nn.BatchNorm2d(layout.HeadChannels, eps: SpecNetwork.BatchNormEpsilon);
        classifier = nn.Linear(layout.HeadChannels, layout.Classes);
        foreach (var conv in new[] { stem, head })
            nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        Active = Space.Largest;
        RegisterComponents();
    }

    public SupernetLayout Layout { get; }

    public SubnetSpace Space { get; }

    /// <summary>The sub-network forward passes run.</summary>
    public SubnetChoice Active { get; private set; }

    /// <summary>The name a block's layers carry in extracted specs: s{stage}b{block}, both from 1.</summary>
    public static string BlockName(int stage, int block) => $"s{stage + 1}b{block + 1}";

    public void Select(SubnetChoice choice)
    {
        Space.Validate(choice);
        Active = choice;
        for (int b = 0; b < blocks.Count; b++)
        {
            blocks[b].ActiveKernel = choice.Kernels[b];
            blocks[b].ActiveExpansion = choice.Expansions[b];
        }
    }

    public override Tensor forward(Tensor input)
    {
        var x = F.relu6(stem_bn.forward(stem.forward(input)));
        for (int s = 0; s < _firstBlock.Length; s++)
            for (int b = 0; b < Active.Depths[s]; b++)
                x = blocks[_firstBlock[s] + b].forward(x);
        x = F.relu6(head_bn.forward(head.forward(x)));
        return classifier.forward(x.mean([2, 3]));
    }

    /// <summary>Re-sorts every block's hidden channels by importance (see <see cref="ElasticInvertedResidual.SortHiddenChannels"/>).</summary>
    public void SortHiddenChannels(IReadOnlyList<int>? keptExpansions = null)
    {
        foreach (var block in blocks) block.SortHiddenChannels(keptExpansions);
    }

    public ElasticInvertedResidual Block(int stage, int block) => blocks[_firstBlock[stage] + block];

    internal Conv2d Stem => stem;

    internal BatchNorm2d StemNorm => stem_bn;

    internal Conv2d Head => head;

    internal BatchNorm2d HeadNorm => head_bn;

    internal Linear Classifier => classifier;
}
