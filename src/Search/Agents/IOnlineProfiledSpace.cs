namespace AutoDesign.Search.Agents;

/// <summary>A space whose model can choose its own decisions by profiling (Sparse VideoGen's heads): no search needed.</summary>
public interface IOnlineProfiledSpace
{
    /// <summary>The rung each step's profiling chose, or null when this space's model cannot profile.</summary>
    IReadOnlyList<int>? ProfiledRungs();
}
