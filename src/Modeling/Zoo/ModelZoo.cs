using System.Globalization;
using System.Text.RegularExpressions;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>
/// The built-in model families, named as <c>family[-w&lt;width&gt;][-d&lt;depth&gt;]</c>: <c>lenet5</c>, <c>vgg-small-w0.5</c>,
/// <c>resnet20</c> (any depth 6n+2: <c>resnet56</c>), <c>mobilenetv2-small-d0.5</c> (depth scales the blocks per stage),
/// and the ImageNet-size <c>mobilenet-v1</c>, <c>mobilenet-v2</c>, <c>mobilenetv3-small</c>, <c>mobilenetv3-large</c>,
/// <c>efficientnet-b0</c>, <c>resnet-18</c>, <c>resnet-50</c> (build them for the
/// shape-only data set <c>imagenet</c>, 3x224x224 and 1,000 classes, to profile them), and the transformers
/// <c>vit</c> for images, the language models <c>gpt</c> and <c>llama</c> for token inputs and <c>video-transformer</c> for
/// video clips in patches (next-frame prediction) (-d scales their blocks).
/// Every model adapts to the input shape and class count of the data set it is built for.
/// </summary>
public static partial class ModelZoo
{
    public static IReadOnlyList<string> Families { get; } =
        ["lenet5", "vgg-small", "resnet20", "mobilenetv2-small", "mobilenet-v1", "mobilenet-v2", "mobilenetv3-small", "mobilenetv3-large", "efficientnet-b0", "resnet-18", "resnet-50", "vit", "gpt", "llama", "video-transformer"];

    [GeneratedRegex(@"^(?<family>lenet5|vgg-small|resnet(?<depth>\d+)|resnet-(?<imagenetDepth>\d+)|mobilenetv2-small|mobilenet-v1|mobilenet-v2|mobilenetv3-small|mobilenetv3-large|efficientnet-b0|vit|gpt|llama|video-transformer)(-w(?<width>\d+(\.\d+)?))?(-d(?<dmult>\d+(\.\d+)?))?$")]
    private static partial Regex NamePattern();

    public static bool IsZooName(string name) => NamePattern().IsMatch(name);

    /// <summary>Builds the named model for images of <paramref name="input"/> shape; throws <see cref="ArgumentException"/> naming the problem.</summary>
    /// <summary>Meta's Llama-3-8B at a context length: a published shape for the serving cost models, not a zoo model (nothing trains it).</summary>
    public static ModelSpec Llama3_8B(int context) => Transformers.Llama3_8B(context);

    public static ModelSpec Create(string name, InputSpec input, int classes)
    {
        var match = NamePattern().Match(name);
        if (!match.Success)
            throw new ArgumentException(
                $"unknown model '{name}': the zoo has {string.Join(", ", Families)} (resnetN for any N = 6n+2; resnet-18, -34, -50, -101), " +
                "optionally followed by -w<width multiplier> and, for mobilenetv2-small and the transformers, -d<depth multiplier>");

        string family = match.Groups["family"].Value;
        double width = Number(match, "width", name);
        bool hasDepthMultiplier = match.Groups["dmult"].Success;
        double depth = Number(match, "dmult", name);
        if (hasDepthMultiplier && family is not ("mobilenetv2-small" or "vit" or "gpt" or "llama" or "video-transformer"))
            throw new ArgumentException($"model '{name}': only mobilenetv2-small and the transformers take a depth multiplier (-d); a ResNet's depth is in its name");

        try
        {
            return family switch
            {
                "lenet5" => LeNet5.Create(name, input, classes, width),
                "vgg-small" => VggSmall.Create(name, input, classes, width),
                "mobilenetv2-small" => MobileNetV2Small.Create(name, input, classes, width, depth),
                "mobilenet-v1" => MobileNetV1.Create(name, input, classes, width),
                "mobilenet-v2" => MobileNetV2.Create(name, input, classes, width),
                "mobilenetv3-small" => MobileNetV3.CreateSmall(name, input, classes, width),
                "mobilenetv3-large" => MobileNetV3.CreateLarge(name, input, classes, width),
                "efficientnet-b0" => EfficientNet.CreateB0(name, input, classes, width),
                "vit" => Transformers.CreateVit(name, input, classes, width, depth),
                "gpt" => Transformers.CreateGpt(name, input, classes, width, depth),
                "llama" => Transformers.CreateLlama(name, input, classes, width, depth),
                "video-transformer" => Transformers.CreateVideo(name, input, classes, width, depth),
                _ when match.Groups["imagenetDepth"].Success =>
                    ImageNetResNet.Create(name, input, classes, int.Parse(match.Groups["imagenetDepth"].Value, CultureInfo.InvariantCulture), width),
                _ => ResNetCifar.Create(name, input, classes, int.Parse(match.Groups["depth"].Value, CultureInfo.InvariantCulture), width),
            };
        }
        catch (ModelSpecException e)
        {
            throw new ArgumentException($"model '{name}' does not fit {input} inputs: {e.Message}", e);
        }
    }

    private static double Number(Match match, string group, string name)
    {
        if (!match.Groups[group].Success) return 1.0;
        double value = double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        if (value <= 0 || value > 8)
            throw new ArgumentException($"model '{name}': a multiplier must be in (0, 8], got {value}");
        return value;
    }
}
