using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Supernet;

namespace AutoDesign.Search.Kinds.Codesign;

/// <summary>
/// A joint design as a result's policy: one entry per architecture decision (its value, as a nas result has them),
/// then one per layer of the sub-network with its weight and activation bits. Read back by name.
/// </summary>
public static class CodesignPolicy
{
    public static IReadOnlyList<PolicyEntry> Describe(CodesignSpace space, IReadOnlyList<int> choices)
    {
        var (choice, bits) = space.Design(choices);
        var active = SubnetPrecision.Active(space.Layout, choice);
        var layers = SubnetPrecision.LayerNames(space.Layout);
        return
        [
            .. space.Subnets.Decisions.Select((d, i) => new PolicyEntry(d.Name, Choice: d.Values[choices[i]].ToString(System.Globalization.CultureInfo.InvariantCulture), Value: d.Values[choices[i]])),
            .. layers.Select((layer, i) => (layer, i)).Where(p => active[p.i])
                .Select(p => new PolicyEntry(p.layer, WBits: bits.Layers[p.i].WeightBits, ABits: bits.Layers[p.i].ActivationBits)),
        ];
    }

    /// <summary>The vector of a policy; a layer the sub-network does not have takes the fewest bits, as in a canonical vector.</summary>
    public static int[] Decode(CodesignSpace space, IReadOnlyList<PolicyEntry> policy)
    {
        var choice = Nas.SupernetPolicy.Decode(space.Subnets, policy.Where(p => p.WBits is null).ToList());
        var given = policy.Where(p => p.WBits is not null).ToDictionary(p => p.Layer, p => new Precision(p.WBits!.Value, p.ABits
            ?? throw new ArgumentException($"the policy gives '{p.Layer}' weight bits but no activation bits")));
        var fewest = new Precision(space.Bits[0], space.Bits[0]);
        var bits = new SubnetPrecision(SubnetPrecision.LayerNames(space.Layout).Select(l => given.GetValueOrDefault(l, fewest)).ToList());
        return space.Canonical(space.Encode(choice, bits));
    }
}
