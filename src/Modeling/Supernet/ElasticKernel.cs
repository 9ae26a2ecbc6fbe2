using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// A depthwise filter bank that serves every kernel size of a layout (Cai et al., Once-for-All, 2020): only the
/// largest kernel is stored; a smaller one is the centre of the next larger one (itself derived the same way),
/// flattened per channel and passed through a learned k²xk² transformation matrix of this layer, shared by its
/// channels. The matrices start as identities, so an untrained smaller kernel is exactly the larger one's centre.
/// </summary>
public sealed class ElasticKernel : nn.Module
{
    private readonly Parameter weight;
    private readonly Parameter[] _transforms; // _transforms[i] maps kernel sizes[i + 1] to sizes[i]
    private readonly int[] _sizes;

    public ElasticKernel(string name, int channels, IReadOnlyList<int> sizes) : base(name)
    {
        _sizes = [.. sizes];
        weight = new Parameter(empty(channels, 1, _sizes[^1], _sizes[^1]));
        nn.init.kaiming_normal_(weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        _transforms = new Parameter[_sizes.Length - 1];
        RegisterComponents();
        for (int i = 0; i < _transforms.Length; i++)
        {
            _transforms[i] = new Parameter(eye(_sizes[i] * _sizes[i]));
            register_parameter(TransformName(_sizes[i + 1], _sizes[i]), _transforms[i]);
        }
    }

    public static string TransformName(int from, int to) => $"transform_{from}to{to}";

    /// <summary>The stored filters of the largest kernel (channels x 1 x K x K).</summary>
    public Parameter Weight => weight;

    /// <summary>The matrix that turns the centre of a <paramref name="from"/>-kernel into a <paramref name="to"/>-kernel (k² x k², applied as x·Mᵀ).</summary>
    public Parameter Transform(int from, int to)
    {
        int i = Array.IndexOf(_sizes, to);
        if (i < 0 || i + 1 >= _sizes.Length || _sizes[i + 1] != from) throw new ArgumentException($"no transform from {from}x{from} to {to}x{to}");
        return _transforms[i];
    }

    /// <summary>The filters of the first <paramref name="channels"/> channels at kernel size <paramref name="kernel"/>.</summary>
    public Tensor Filters(int kernel, long channels)
    {
        int target = Array.IndexOf(_sizes, kernel);
        if (target < 0) throw new ArgumentException($"kernel {kernel} is not one of {string.Join(", ", _sizes)}");
        var filters = weight.narrow(0, 0, channels);
        for (int i = _sizes.Length - 2; i >= target; i--)
        {
            int from = _sizes[i + 1], to = _sizes[i], offset = (from - to) / 2;
            var centre = filters.narrow(2, offset, to).narrow(3, offset, to);
            filters = nn.functional.linear(centre.reshape(-1, to * to), _transforms[i]).reshape(channels, 1, to, to);
        }
        return filters;
    }
}
