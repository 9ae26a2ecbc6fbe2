using AutoDesign.Search.Kinds.Heads;

namespace AutoDesign.Search.Tests.Kinds;

/// <summary>A result's per-head entries read back as the policy they describe.</summary>
public class HeadPoliciesTests
{
    [Fact]
    public void Entries_named_layer_and_head_become_one_pattern_per_head_in_order()
    {
        var policy = HeadPolicies.FromEntries([("block0_attention[0]", "dense"), ("block0_attention[1]", "spatial"), ("block1_attention[0]", "temporal"), ("block1_attention[1]", "spatial")]);

        Assert.Equal(["dense", "spatial"], policy["block0_attention"].Select(p => p.Name));
        Assert.Equal(["temporal", "spatial"], policy["block1_attention"].Select(p => p.Name));
        Assert.Equal("2 spatial, 1 dense, 1 temporal", HeadPolicies.Counts(policy));
    }
}
