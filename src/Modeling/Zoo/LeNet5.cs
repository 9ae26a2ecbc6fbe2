using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>LeCun et al. (1998) with ReLU and max pooling; the first conv pads by 2 so 28x28 inputs keep LeNet's 32x32 geometry.</summary>
internal static class LeNet5
{
    public static ModelSpec Create(string name, InputSpec input, int classes, double width)
    {
        var b = new SpecBuilder(name, input, classes);
        b.Conv("conv1", Width.Scale(6, width), kernel: 5, padding: 2, batchNorm: false);
        b.MaxPool("pool1");
        b.Conv("conv2", Width.Scale(16, width), kernel: 5, padding: 0, batchNorm: false);
        b.MaxPool("pool2");
        b.Linear("fc1", Width.Scale(120, width), Activation.Relu);
        b.Linear("fc2", Width.Scale(84, width), Activation.Relu);
        b.Linear("fc3", classes);
        return b.Build();
    }
}
