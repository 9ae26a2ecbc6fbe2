using AutoDesign.Contracts;
using AutoDesign.Dashboard.Components.Jobs;
using Bunit;

namespace AutoDesign.Dashboard.Tests;

public class PolicyViewTests : DashboardTest
{
    [Fact]
    public void A_pruning_policy_shows_kept_channels_per_group_and_each_layers_shape_and_latency()
    {
        var candidate = new CandidateResult(3, 0.97, 200_000, 30_000, 200_000, -0.03,
        [
            new PolicyEntry("conv1", 0.5, 3, 6),
            new PolicyEntry("conv2", 0.75, 12, 16, ["conv2b"]),
        ]);
        var layers = new CandidateLayers(Guid.NewGuid(), 3, "bitfusion", "analytic", 0.42,
        [
            new LayerView("conv1", "conv", "3x28x28", 3, 6, null, null, 58_800, 0.12),
            new LayerView("pool1", "max-pool", "3x14x14", null, null, null, null, 0, null),
        ]);

        var view = Render<PolicyView>(p => p.Add(v => v.Candidate, candidate).Add(v => v.Unit, "MACs").Add(v => v.Layers, layers));

        var policy = view.FindAll(".policy-table tbody tr");
        Assert.Equal(2, policy.Count);
        Assert.Contains("3 of 6 (50 %)", policy[0].TextContent);
        Assert.Contains("conv2 (+conv2b)", policy[1].TextContent);
        var rows = view.FindAll(".layer-table tbody tr");
        Assert.Contains("3x28x28", rows[0].TextContent);
        Assert.Contains("0.12", rows[0].TextContent);
        Assert.Contains("bitfusion", view.Find("h4").TextContent);
        Assert.NotNull(view.Find("[data-chart='policy-3']")); // the per-layer bars
    }

    [Fact]
    public void A_precision_policy_shows_weight_and_activation_bits_per_layer()
    {
        var candidate = new CandidateResult(0, 0.9, 1, 1, 10, -0.01, [new PolicyEntry("fc1", WBits: 4, ABits: 6), new PolicyEntry("fc2", WBits: 8, ABits: 8)]);

        var view = Render<PolicyView>(p => p.Add(v => v.Candidate, candidate));

        Assert.Equal(["W4A6", "W8A8"], view.FindAll(".policy-table tbody tr td.number").Select(c => c.TextContent.Trim()));
        Assert.Contains("bits (W/A)", view.Find(".policy-table thead").TextContent);
        Assert.Empty(view.FindAll(".layer-table")); // no target chosen yet
    }

    [Fact]
    public void A_joint_policy_lists_its_architecture_choices_then_its_layers_bits()
    {
        var candidate = new CandidateResult(2, 0.88, 1, 1, 0.02, 0.88,
        [
            new PolicyEntry("s1b1.kernel", Choice: "5", Value: 5),
            new PolicyEntry("s1.depth", Choice: "2", Value: 2),
            new PolicyEntry("s1b1_expand", WBits: 4, ABits: 6),
            new PolicyEntry("head", WBits: 8, ABits: 4),
        ]);

        var view = Render<PolicyView>(p => p.Add(v => v.Candidate, candidate).Add(v => v.Unit, "ms"));

        Assert.Equal(["5", "2", "W4A6", "W8A4"], view.FindAll(".policy-table tbody tr td.number").Select(c => c.TextContent.Trim()));
        Assert.Contains("choice or bits (W/A)", view.Find(".policy-table thead").TextContent);
        Assert.Equal(["s1b1_expand", "head"], view.FindComponent<AutoDesign.Dashboard.Components.Charts.BarChart>().Instance.Categories); // bits only
    }

    [Fact]
    public void A_serving_format_policy_names_each_projections_format_and_each_caches()
    {
        var candidate = new CandidateResult(1, 0.58, 1, 1, 3e6, -0.001,
        [
            new PolicyEntry("block0_q", WBits: 4, ABits: 8, Choice: "w4a8-g128"),
            new PolicyEntry("block0_attention", Choice: "kv4-smooth", Value: 4),
            new PolicyEntry("block0_up", WBits: 4, ABits: 4, Choice: "w4a4-svd-r16-g64"),
        ]);

        var view = Render<PolicyView>(p => p.Add(v => v.Candidate, candidate).Add(v => v.Unit, "bytes"));

        Assert.Equal(["w4a8-g128 (W4A8)", "kv4-smooth", "w4a4-svd-r16-g64 (W4A4)"], view.FindAll(".policy-table tbody tr td.number").Select(c => c.TextContent.Trim()));
        Assert.Contains("format", view.Find(".policy-table thead").TextContent);
        Assert.NotNull(view.Find("[data-chart='policy-1']"));
    }

    [Fact]
    public void A_head_pattern_policy_shows_a_layer_by_head_grid()
    {
        var candidate = new CandidateResult(2, 0.59, 1, 1, 0.4, -0.001,
        [
            new PolicyEntry("block0_attention[0]", Choice: "dense"),
            new PolicyEntry("block0_attention[1]", Choice: "streaming-s4-w16"),
            new PolicyEntry("block1_attention[0]", Choice: "pages-p16-b64"),
            new PolicyEntry("block1_attention[1]", Choice: "dense"),
        ]);

        var view = Render<PolicyView>(p => p.Add(v => v.Candidate, candidate).Add(v => v.Unit, "ms"));

        var rows = view.FindAll(".head-grid tbody tr");
        Assert.Equal(["block0_attention", "dense", "streaming-s4-w16"], rows[0].Children.Select(c => c.TextContent.Trim()));
        Assert.Equal(["block1_attention", "pages-p16-b64", "dense"], rows[1].Children.Select(c => c.TextContent.Trim()));
        Assert.Equal("pattern-streaming", rows[0].Children[2].ClassName);
        Assert.Contains("head 1", view.Find(".head-grid thead").TextContent);
    }
}
