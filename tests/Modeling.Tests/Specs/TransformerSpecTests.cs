using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Zoo;

namespace AutoDesign.Modeling.Tests.Specs;

/// <summary>Transformers as specs: shapes, parameter, MAC and KV-cache counts, channel ties in whole heads, and bad fields.</summary>
public class TransformerSpecTests
{
    private static readonly InputSpec Tokens = InputSpec.Tokens(context: 64, vocabulary: 98);

    [Fact]
    public void A_gpt_counts_its_parameters_macs_and_kv_cache_by_hand()
    {
        var analysis = ModelZoo.Create("gpt-w0.5", Tokens, 98).Analyze(); // width 128, 4 blocks of 4 heads, MLP 512

        const long d = 128, hidden = 512, t = 64, v = 98, blocks = 4;
        long perBlock = 2 * 2 * d          // two layer norms
                        + 4 * (d * d + d)    // q, k, v, o
                        + d * hidden + hidden + hidden * d + d;
        Assert.Equal(v * d + t * d + blocks * perBlock + 2 * d + d * v + v, analysis.Params);

        long projections = t * (4 * d * d + 2 * d * hidden);
        long attention = 2 * (t * (t + 1) / 2) * d; // causal: position p attends to p + 1 positions, in both products
        Assert.Equal(blocks * (projections + attention) + t * d * v, analysis.Macs);
        Assert.Equal(blocks * 2 * d, analysis.KvValuesPerToken);
        Assert.Equal(new TensorShape(98, 1, 64), analysis.Layers[^1].OutputShape);
    }

    [Fact]
    public void Grouped_query_attention_keeps_fewer_keys_and_values_per_token()
    {
        var gpt = ModelZoo.Create("gpt", Tokens, 98).Analyze();
        var llama = ModelZoo.Create("llama", Tokens, 98).Analyze(); // same width, half the key/value heads

        Assert.Equal(gpt.KvValuesPerToken / 2, llama.KvValuesPerToken);
        Assert.Equal(new TensorShape(256, 1, 64), llama["block0_attention"].OutputShape);
        Assert.Equal(2L * 128, llama["block0_attention"].KvChannels);
    }

    [Fact]
    public void A_vit_reads_patches_and_classifies_the_image()
    {
        var analysis = ModelZoo.Create("vit", new InputSpec(1, 28, 28), 10).Analyze();

        Assert.Equal(new TensorShape(128, 7, 7), analysis["patches"].OutputShape);
        Assert.Equal(2L * 49 * 49 * 128, analysis["block0_attention"].Macs); // 49 patches, every one sees every one
        Assert.Equal(128L * 49, analysis["positions"].Params);
        Assert.Equal(TensorShape.Vector(10), analysis.Layers[^1].OutputShape);
        Assert.Equal(4 * 2 * 128, analysis.KvValuesPerToken);
    }

    [Fact]
    public void Queries_keys_and_values_are_one_group_pruned_in_whole_heads_and_the_residual_stream_is_tied()
    {
        var analysis = ModelZoo.Create("gpt-w0.5", Tokens, 98).Analyze();
        var heads = analysis.ChannelGroups.Single(g => g.Producers.Contains("block0_q"));
        var stream = analysis.ChannelGroups.Single(g => g.Producers.Contains("tokens"));
        var mlp = analysis.ChannelGroups.Single(g => g.Producers.Contains("block0_up"));

        Assert.Equal(["block0_q", "block0_k", "block0_v"], heads.Producers);
        Assert.Equal(["block0_o"], heads.Consumers);
        Assert.Equal(32, heads.Block); // the zoo's head size
        Assert.True(heads.Prunable);
        Assert.Equal(["block0_down"], mlp.Consumers);
        Assert.Contains("block3_down", stream.Producers);
        Assert.Contains("positions", stream.Followers);
        Assert.Contains("head", stream.Consumers);
    }

    [Fact]
    public void Grouped_query_heads_are_cut_in_whole_key_value_heads_with_the_query_heads_that_read_them()
    {
        var spec = ModelZoo.Create("llama-w0.5", Tokens, 98); // width 128: 4 query heads of 32 sharing 2 key/value heads
        var analysis = spec.Analyze();

        var heads = analysis.ChannelGroups.Single(g => g.Producers.Contains("block0_q"));
        Assert.True(heads.Prunable);
        Assert.Equal((64, 32), (heads.Channels, heads.Block)); // the key/value width, in whole heads
        Assert.Equal(["block0_q", "block0_k", "block0_v"], heads.Producers);
        Assert.Equal([2, 1, 1], heads.Producers.Select(heads.ExpansionOf));
        Assert.Equal("block0_k", PruningPolicy.KeyOf(heads));
        Assert.Equal([new ChannelSegment(heads.Id, 128, Expansion: 2)], analysis.InputLayouts["block0_o"]);

        var pruned = new PruningPolicy(new Dictionary<string, int> { ["block0_k"] = 32 }).ApplyTo(spec).Analyze();

        Assert.Equal(64, pruned["block0_q"].OutChannels); // the two query heads of the kept key/value head
        Assert.Equal((32, 32), (pruned["block0_k"].OutChannels, pruned["block0_v"].OutChannels));
        Assert.Equal(64, pruned["block0_o"].InChannels);
        const long d = 128, t = 64;
        Assert.Equal(analysis.Params - (64 + 32 + 32) * (d + 1) - 64 * d, pruned.Params); // q, k, v rows with their biases; o's columns
        Assert.Equal(analysis.Macs - t * (64 + 32 + 32 + 64) * d - 2 * (t * (t + 1) / 2) * 64, pruned.Macs);
        Assert.Equal(analysis.KvValuesPerToken - 2 * 32, pruned.KvValuesPerToken);
        var error = Assert.Throws<ArgumentException>(() => new PruningPolicy(new Dictionary<string, int> { ["block0_k"] = 48 }).ApplyTo(spec));
        Assert.Contains("whole blocks of 32", error.Message);
    }

    [Fact]
    public void Query_heads_shared_unevenly_by_the_key_heads_of_two_attention_layers_are_not_cut()
    {
        var spec = new ModelSpec
        {
            Name = "uneven", Input = Tokens, Classes = 98,
            Layers =
            [
                new LayerSpec { Name = "tokens", Op = LayerOp.Embedding, Out = 48 },
                new LayerSpec { Name = "q", Op = LayerOp.Projection, Out = 48, Inputs = ["tokens"] }, // 6 query heads of 8
                new LayerSpec { Name = "k1", Op = LayerOp.Projection, Out = 16, Inputs = ["tokens"] }, // 2 heads: 3 query heads each
                new LayerSpec { Name = "v1", Op = LayerOp.Projection, Out = 16, Inputs = ["tokens"] },
                new LayerSpec { Name = "k2", Op = LayerOp.Projection, Out = 24, Inputs = ["tokens"] }, // 3 heads: 2 query heads each
                new LayerSpec { Name = "v2", Op = LayerOp.Projection, Out = 24, Inputs = ["tokens"] },
                new LayerSpec { Name = "attention1", Op = LayerOp.Attention, Inputs = ["q", "k1", "v1"], HeadSize = 8 },
                new LayerSpec { Name = "attention2", Op = LayerOp.Attention, Inputs = ["q", "k2", "v2"], HeadSize = 8 },
                new LayerSpec { Name = "sum", Op = LayerOp.Add, Inputs = ["attention1", "attention2"] },
                new LayerSpec { Name = "head", Op = LayerOp.Projection, Out = 98 },
            ],
        };

        var heads = spec.Analyze().ChannelGroups.Single(g => g.Producers.Contains("q"));

        Assert.Equal(["q", "k1", "v1", "k2", "v2"], heads.Producers);
        Assert.False(heads.Prunable);
        Assert.Contains("unevenly", heads.FixedBecause);
    }

    [Fact]
    public void A_gated_mlp_ties_gate_and_up()
    {
        var mlp = ModelZoo.Create("llama-w0.5", Tokens, 98).Analyze().ChannelGroups.Single(g => g.Producers.Contains("block0_gate"));

        Assert.Equal(["block0_gate", "block0_up"], mlp.Producers);
        Assert.True(mlp.Prunable);
    }

    private static ModelSpec Attention(LayerSpec attention, int queries = 64, int keys = 64) => new()
    {
        Name = "bad", Input = Tokens, Classes = 98,
        Layers =
        [
            new LayerSpec { Name = "tokens", Op = LayerOp.Embedding, Out = 64 },
            new LayerSpec { Name = "q", Op = LayerOp.Projection, Out = queries, Inputs = ["tokens"] },
            new LayerSpec { Name = "k", Op = LayerOp.Projection, Out = keys, Inputs = ["tokens"] },
            new LayerSpec { Name = "v", Op = LayerOp.Projection, Out = keys, Inputs = ["tokens"] },
            attention with { Name = "attention", Op = LayerOp.Attention, Inputs = ["q", "k", "v"] },
            new LayerSpec { Name = "head", Op = LayerOp.Projection, Out = 98 },
        ],
    };

    [Theory]
    [InlineData(null, 64, 64, false, "layers[4].headSize", "needs 'headSize'")]
    [InlineData(24, 64, 64, false, "layers[4].headSize", "must divide the queries' 64")]
    [InlineData(16, 64, 48, false, "layers[4].inputs[1]", "share evenly")] // 4 query heads cannot share 3 key heads
    [InlineData(7, 63, 63, true, "layers[4].rotary", "is odd")]
    public void Bad_attention_fields_are_named(int? headSize, int queries, int keys, bool rotary, string field, string reason)
    {
        var e = Assert.Throws<ModelSpecException>(() => Attention(new LayerSpec { Name = "", Op = LayerOp.Attention, HeadSize = headSize, Rotary = rotary }, queries, keys).Analyze());
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void Token_inputs_are_read_by_embeddings_and_attention_fields_belong_to_attention()
    {
        var spec = Attention(new LayerSpec { Name = "", Op = LayerOp.Attention, HeadSize = 16 });
        spec.Analyze();

        var conv = spec with { Layers = [.. spec.Layers.Select(l => l.Name == "q" ? l with { HeadSize = 16 } : l)] };
        Assert.Equal("layers[1].headSize", Assert.Throws<ModelSpecException>(() => conv.Analyze()).Field);
        var noEmbedding = spec with { Layers = [spec.Layers[0] with { Op = LayerOp.Projection }, .. spec.Layers.Skip(1)] };
        Assert.Equal("layers[0].op", Assert.Throws<ModelSpecException>(() => noEmbedding.Analyze()).Field);
        var wrongClasses = spec with { Classes = 50 };
        Assert.Equal("classes", Assert.Throws<ModelSpecException>(() => wrongClasses.Analyze()).Field);
        var pooled = spec with { Layers = [.. spec.Layers.SkipLast(1), new LayerSpec { Name = "pool", Op = LayerOp.GlobalAvgPool }, new LayerSpec { Name = "fc", Op = LayerOp.Linear, Out = 98 }] };
        Assert.Contains("at each of the 64 positions", Assert.Throws<ModelSpecException>(() => pooled.Analyze()).Reason);
    }

    [Fact]
    public void A_transformer_spec_round_trips_through_json()
    {
        var spec = ModelZoo.Create("llama-w0.5-d0.5", Tokens, 98);

        var back = ModelSpecJson.Deserialize(ModelSpecJson.Serialize(spec));

        Assert.True(spec.StructurallyEquals(back));
        Assert.Contains("\"vocabulary\": 98", ModelSpecJson.Serialize(spec));
        Assert.Contains("\"rotary\": true", ModelSpecJson.Serialize(spec));
    }
}
