using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Data;

/// <summary>What is known about a data set before its images are loaded.</summary>
/// <param name="Flippable">Whether a horizontal mirror image is still a valid sample (clothes, objects; not digits).</param>
public sealed record DatasetInfo(string Name, InputSpec Shape, int Classes, bool Flippable, string Source)
{
    /// <summary>False for a data set known by its shape alone, which can size and profile models but not train or evaluate them.</summary>
    public bool HasImages { get; init; } = true;

    /// <summary>True for photos of any size (image folders): training crops them at random scales rather than shifting them.</summary>
    public bool Photos { get; init; }
}
