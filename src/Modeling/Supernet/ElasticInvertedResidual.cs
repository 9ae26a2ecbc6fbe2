using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// An inverted residual (MBConv) block whose depthwise kernel and expansion ratio are chosen before each forward
/// pass: 1x1 expansion to in x e hidden channels, kxk depthwise, 1x1 linear projection, identity shortcut where the
/// stride is 1 and channels agree. Weights are stored for the largest choice; a smaller expansion uses the first
/// hidden channels (<see cref="SortHiddenChannels"/> puts the most important first), a smaller kernel comes from
/// <see cref="ElasticKernel"/>.
/// </summary>
public sealed class ElasticInvertedResidual : nn.Module<Tensor, Tensor>
{
    private readonly Parameter expand, project;
    private readonly ElasticBatchNorm expand_bn, depthwise_bn;
    private readonly ElasticKernel depthwise;
    private readonly BatchNorm2d project_bn;
    private readonly long _stride;

    public ElasticInvertedResidual(string name, int inChannels, int outChannels, int stride, SupernetLayout layout) : base(name)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        _stride = stride;
        int maxHidden = inChannels * layout.MaxExpansion;
        expand = new Parameter(empty(maxHidden, inChannels, 1, 1));
        project = new Parameter(empty(outChannels, maxHidden, 1, 1));
        foreach (var weight in new[] { expand, project })
            nn.init.kaiming_normal_(weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        expand_bn = new ElasticBatchNorm("expand_bn", maxHidden);
        depthwise = new ElasticKernel("depthwise", maxHidden, layout.Kernels);
        depthwise_bn = new ElasticBatchNorm("depthwise_bn", maxHidden);
        project_bn = nn.BatchNorm2d(outChannels, eps: Torch.SpecNetwork.BatchNormEpsilon);
        ActiveKernel = layout.MaxKernel;
        ActiveExpansion = layout.MaxExpansion;
        RegisterComponents();
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int Stride => (int)_stride;

    public bool HasShortcut => _stride == 1 && InChannels == OutChannels;

    public int ActiveKernel { get; set; }

    public int ActiveExpansion { get; set; }

    public int ActiveHidden => InChannels * ActiveExpansion;

    public Parameter ExpandWeight => expand;

    public Parameter ProjectWeight => project;

    public ElasticKernel Depthwise => depthwise;

    public BatchNorm2d ExpandNorm => expand_bn.Inner;

    public BatchNorm2d DepthwiseNorm => depthwise_bn.Inner;

    public BatchNorm2d ProjectNorm => project_bn;

    public override Tensor forward(Tensor input)
    {
        long hidden = ActiveHidden;
        int kernel = ActiveKernel;
        var x = F.relu6(expand_bn.forward(F.conv2d(input, expand.narrow(0, 0, hidden))));
        x = F.conv2d(x, depthwise.Filters(kernel, hidden), strides: [_stride, _stride], padding: [kernel / 2, kernel / 2], groups: hidden);
        x = F.relu6(depthwise_bn.forward(x));
        x = project_bn.forward(F.conv2d(x, project.narrow(1, 0, hidden)));
        return HasShortcut ? x + input : x;
    }

    /// <summary>
    /// Reorders the hidden channels by importance, the L1 norm of each one's projection weights, largest first,
    /// permuting everything that indexes them (expansion filters and their batch norm, depthwise filters and their
    /// batch norm, projection inputs), so the full block computes the same function and a narrower one keeps the
    /// channels that matter most.
    /// </summary>
    /// <param name="keptExpansions">
    /// Expansion ratios whose channels were trained before and stay in front: a channel beyond input channels x ratio
    /// never moves before it (Once-for-All's banded re-sort before its second expansion step). None: a plain sort.
    /// </param>
    public void SortHiddenChannels(IReadOnlyList<int>? keptExpansions = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var importance = project.abs().sum([0, 2, 3]);
        // Each kept width a channel lies beyond lowers it by more than any importance: bands sort apart, each within itself.
        double step = importance.max().item<float>() + 1;
        foreach (int ratio in keptExpansions ?? [])
            importance.narrow(0, InChannels * ratio, importance.shape[0] - InChannels * ratio).sub_(step);
        var order = importance.argsort(descending: true);
        Permute(expand, 0, order);
        Permute(depthwise.Weight, 0, order);
        Permute(project, 1, order);
        foreach (var bn in new[] { ExpandNorm, DepthwiseNorm })
        {
            Permute(bn.weight, 0, order);
            Permute(bn.bias!, 0, order);
            Permute(bn.running_mean!, 0, order);
            Permute(bn.running_var!, 0, order);
        }
    }

    private static void Permute(Tensor tensor, long dim, Tensor order) => tensor.copy_(tensor.index_select(dim, order));
}
