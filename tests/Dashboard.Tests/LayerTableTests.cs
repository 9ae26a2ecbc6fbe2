using AutoDesign.Dashboard.Components;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;
using Bunit;

namespace AutoDesign.Dashboard.Tests;

public class LayerTableTests : BunitContext
{
    [Fact]
    public void Shows_every_layer_with_its_shape_and_the_totals()
    {
        var analysis = ModelZoo.Create("lenet5", new InputSpec(1, 28, 28), 10).Analyze();

        var table = Render<LayerTable>(p => p.Add(t => t.Layers, analysis.Layers));

        var rows = table.FindAll("tbody tr");
        Assert.Equal(analysis.Layers.Count, rows.Count);
        Assert.Contains("conv1", rows[0].TextContent);
        Assert.Contains("6x28x28", rows[0].TextContent);
        Assert.Contains("5x5", rows[0].TextContent);
        Assert.Contains("max-pool", rows[1].TextContent);
        var total = table.Find("tfoot tr").TextContent;
        Assert.Contains(416_520.ToString("N0"), total);
        Assert.Contains(61_706.ToString("N0"), total);
    }
}
