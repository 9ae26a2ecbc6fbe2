using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.Modeling.Tests.Zoo;

/// <summary>The ImageNet-size specs against the MACs and parameters their papers and torchvision publish.</summary>
public class ImageNetZooTests
{
    [Theory]
    [InlineData("mobilenet-v1", 569e6, 4.23e6)]   // Howard et al. 2017, table 8: 569 M mult-adds, 4.2 M parameters
    [InlineData("mobilenet-v2", 300e6, 3.50e6)]   // Sandler et al. 2018, table 4: 300 M, 3.4 M (torchvision: 3.50 M)
    [InlineData("resnet-18", 1.814e9, 11.69e6)]   // torchvision: 1.81 G MACs, 11.69 M parameters
    [InlineData("resnet-50", 4.09e9, 25.56e6)]    // He et al. 2016: 3.8 G FLOPs (torchvision: 4.09 G MACs, 25.56 M)
    [InlineData("mobilenetv3-small", 56e6, 2.54e6)]  // Howard et al. 2019, table 3: 56 M MAdds (torchvision: 2,542,856 parameters)
    [InlineData("mobilenetv3-large", 219e6, 5.48e6)] // Howard et al. 2019, table 3: 219 M MAdds (torchvision: 5,483,032 parameters)
    [InlineData("efficientnet-b0", 390e6, 5.29e6)]   // Tan and Le 2019, table 2: 0.39 B FLOPs (torchvision: 5,288,548 parameters)
    public void Macs_and_parameters_match_the_published_figures(string name, double macs, double parameters)
    {
        var imagenet = DatasetCatalog.Resolve("imagenet", DataFolder.Default()).Info;
        var analysis = ModelZoo.Create(name, imagenet.Shape, imagenet.Classes).Analyze();

        Assert.InRange(analysis.Macs, macs * 0.985, macs * 1.015);
        Assert.InRange(analysis.Params, parameters * 0.985, parameters * 1.015);
    }

    [Fact]
    public void The_imagenet_shape_has_no_images()
    {
        var error = Assert.Throws<DatasetException>(() => DatasetCatalog.Load("imagenet", new DataFolder(Path.GetTempPath())));
        Assert.Contains("for profiling", error.Message);
    }
}
