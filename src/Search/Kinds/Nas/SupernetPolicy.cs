using AutoDesign.Modeling.Supernet;

namespace AutoDesign.Search.Kinds.Nas;

/// <summary>The sub-network a nas candidate's policy names: one entry per decision of the super-network, read by name and value.</summary>
public static class SupernetPolicy
{
    public static SubnetChoice Decode(SubnetSpace space, IReadOnlyList<PolicyEntry> policy)
    {
        var values = policy.ToDictionary(p => p.Layer, p => p.Value);
        return space.Decode([.. space.Decisions.Select(d =>
        {
            int index = values.GetValueOrDefault(d.Name) is { } value ? d.Values.ToList().IndexOf((int)value) : -1;
            return index >= 0 ? index : throw new ArgumentException($"the policy has no valid value for decision '{d.Name}' of this super-network");
        })]);
    }
}
