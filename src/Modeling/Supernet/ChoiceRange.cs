namespace AutoDesign.Modeling.Supernet;

/// <summary>The values sampling may draw for every block and stage; a subset of the layout's (a shrinking phase's elastic dimensions).</summary>
public sealed record ChoiceRange(IReadOnlyList<int> Kernels, IReadOnlyList<int> Expansions, IReadOnlyList<int> Depths)
{
    public static ChoiceRange All(SupernetLayout layout) => new(layout.Kernels, layout.Expansions, layout.Depths);
}
