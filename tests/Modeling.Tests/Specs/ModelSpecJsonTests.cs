using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.Modeling.Tests.Specs;

public class ModelSpecJsonTests
{
    private static readonly InputSpec Mnist = new(1, 28, 28);

    [Theory]
    [InlineData("lenet5")]
    [InlineData("vgg-small-w0.5")]
    [InlineData("resnet20")]
    [InlineData("mobilenetv2-small")]
    public void Zoo_specs_survive_a_json_round_trip(string name)
    {
        var spec = ModelZoo.Create(name, Mnist, 10);

        var json = ModelSpecJson.Serialize(spec);
        var back = ModelSpecJson.Deserialize(json);

        Assert.True(spec.StructurallyEquals(back));
        Assert.Equal(spec.ContentHash(), back.ContentHash());
        Assert.Equal(spec.Analyze().Macs, back.Analyze().Macs);
        Assert.Equal(json, ModelSpecJson.Serialize(back));
    }

    [Fact]
    public void Json_is_camel_case_with_readable_ops()
    {
        var json = ModelSpecJson.Serialize(ModelZoo.Create("mobilenetv2-small", Mnist, 10));

        Assert.Contains("\"op\": \"dwconv\"", json);
        Assert.Contains("\"op\": \"global-avg-pool\"", json);
        Assert.Contains("\"activation\": \"relu6\"", json);
        Assert.Contains("\"batchNorm\": true", json);
    }

    [Fact]
    public void A_hand_written_spec_is_read()
    {
        const string json = """
        {
          "name": "tiny",
          "input": { "channels": 1, "height": 8, "width": 8 },
          "classes": 3,
          "layers": [
            { "name": "c1", "op": "conv", "out": 4, "kernel": 3, "batchNorm": true, "activation": "relu" },
            { "name": "c2", "op": "conv", "out": 4, "kernel": 3 },
            { "name": "join", "op": "add", "inputs": ["c1", "c2"], "activation": "relu" },
            { "name": "gap", "op": "global-avg-pool" },
            { "name": "fc", "op": "linear", "out": 3 }
          ]
        }
        """;

        var analysis = ModelSpecJson.Deserialize(json).Analyze();

        Assert.Equal(8 * 8 * 4 * 9 + 8 * 8 * 4 * 4 * 9 + 4 * 3, analysis.Macs);
        Assert.Equal((4 * 9 + 8) + (4 * 4 * 9 + 4) + (4 * 3 + 3), analysis.Params);
    }

    [Theory]
    [InlineData("""{"name":"x","input":{"channels":1,"height":8,"width":8},"classes":3,"layers":[{"name":"fc","op":"linear","out":3,"colour":1}]}""", "layers[0].colour")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":8,"width":8},"classes":3,"layers":[{"name":"fc","op":"lineer","out":3}]}""", "layers[0].op")]
    [InlineData("""{"name":"x","input":{"channels":0,"height":8,"width":8},"classes":3,"layers":[{"name":"fc","op":"linear","out":3}]}""", "input.channels")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":8,"width":8},"classes":3,"layers":[]}""", "layers")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":8,"width":8},"classes":3,"layers":[{"name":"fc","op":"linear"}]}""", "layers[0].out")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":8,"width":8},"classes":3,"layers":[{"name":"c","op":"conv","out":2,"kernel":9,"padding":0},{"name":"fc","op":"linear","out":3}]}""", "layers[0].kernel")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":8,"width":8},"classes":3,"layers":[{"name":"c","op":"conv","out":2},{"name":"fc","op":"linear","out":3,"inputs":["nope"]}]}""", "layers[1].inputs[0]")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":8,"width":8},"classes":3,"layers":[{"name":"c","op":"conv","out":2},{"name":"d","op":"conv","out":3},{"name":"a","op":"add","inputs":["c","d"]},{"name":"fc","op":"linear","out":3}]}""", "layers[2].inputs")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":8,"width":8},"classes":3,"layers":[{"name":"c","op":"conv","out":2},{"name":"c","op":"conv","out":2},{"name":"fc","op":"linear","out":3}]}""", "layers[1].name")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":8,"width":8},"classes":3,"layers":[{"name":"fc","op":"linear","out":4}]}""", "layers[0]")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":8,"width":8},"classes":3,"layers":[{"name":"fc","op":"linear","out":3},{"name":"p","op":"max-pool","kernel":2}]}""", "layers[1].op")]
    [InlineData("""{"name":"x","input":{"channels":1,"height":8,"width":8},"classes":3""", "classes")]
    public void Invalid_specs_name_the_bad_field(string json, string field)
    {
        var error = Assert.Throws<ModelSpecException>(() => ModelSpecJson.Deserialize(json));
        Assert.Equal(field, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
    }
}
