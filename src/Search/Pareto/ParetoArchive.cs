namespace AutoDesign.Search.Pareto;

/// <summary>An archived point: the candidate's id and its objective vector (every objective minimised).</summary>
public sealed record ArchivePoint(int Id, IReadOnlyList<double> Values);

/// <summary>
/// The non-dominated set of everything added so far, for any number of objectives (all minimised: negate accuracy,
/// see <see cref="Dominance.Minimised"/>), and the hypervolume it dominates. Of equal points the first is kept.
/// </summary>
public sealed class ParetoArchive(int objectives)
{
    private readonly List<ArchivePoint> _points = [];

    public int Objectives { get; } = objectives > 0 ? objectives : throw new ArgumentOutOfRangeException(nameof(objectives), "must be at least 1");

    public IReadOnlyList<ArchivePoint> Points => _points;

    /// <summary>Adds the point unless an archived one dominates or equals it; drops the points it dominates.</summary>
    /// <returns>Whether the point joined the archive.</returns>
    public bool Add(int id, IReadOnlyList<double> values)
    {
        if (values.Count != Objectives) throw new ArgumentException($"expected {Objectives} objectives, got {values.Count}", nameof(values));
        if (values.Any(v => !double.IsFinite(v))) throw new ArgumentException("objectives must be finite", nameof(values));
        if (_points.Any(p => Dominance.Dominates(p.Values, values) || p.Values.SequenceEqual(values))) return false;
        _points.RemoveAll(p => Dominance.Dominates(values, p.Values));
        _points.Add(new ArchivePoint(id, values.ToArray()));
        return true;
    }

    public double Hypervolume(IReadOnlyList<double> reference) => Pareto.Hypervolume.Of(_points.Select(p => p.Values), reference);
}
