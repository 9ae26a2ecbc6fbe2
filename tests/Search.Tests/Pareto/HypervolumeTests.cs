using AutoDesign.Modeling;
using AutoDesign.Search.Pareto;

namespace AutoDesign.Search.Tests.Pareto;

public class HypervolumeTests
{
    [Fact]
    public void Two_dimensions_sum_the_staircase_under_the_reference()
    {
        double[][] points = [[1, 3], [2, 2], [3, 1], [2.5, 2.5]]; // the last is dominated
        Assert.Equal(3 * 1 + 2 * 1 + 1 * 1, Hypervolume.Of(points, [4, 4]), 12);
    }

    [Fact]
    public void Points_not_better_than_the_reference_in_every_objective_add_nothing()
    {
        Assert.Equal(0, Hypervolume.Of([[5.0, 1.0], [1.0, 4.0]], [4, 4]));
        Assert.Equal(4, Hypervolume.Of([[5.0, 1.0], [2.0, 2.0]], [4, 4]), 12);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 4)]
    public void Slicing_agrees_with_inclusion_exclusion_on_random_points(int objectives, int seed)
    {
        var random = new SplitMix64((ulong)seed);
        var points = Enumerable.Range(0, 9).Select(_ => Enumerable.Range(0, objectives).Select(_ => Math.Round(random.NextDouble(), 2)).ToArray()).ToArray();
        var reference = Enumerable.Repeat(1.0, objectives).ToArray();

        Assert.Equal(InclusionExclusion(points, reference), Hypervolume.Of(points, reference), 10);
    }

    // The union of the boxes [p, reference]: the sum over non-empty subsets, signed by size, of their intersection.
    private static double InclusionExclusion(double[][] points, double[] reference)
    {
        double total = 0;
        for (int mask = 1; mask < 1 << points.Length; mask++)
        {
            var members = Enumerable.Range(0, points.Length).Where(i => (mask >> i & 1) == 1).ToList();
            double volume = 1;
            for (int m = 0; m < reference.Length; m++) volume *= Math.Max(0, reference[m] - members.Max(i => points[i][m]));
            total += members.Count % 2 == 1 ? volume : -volume;
        }
        return total;
    }

    [Fact]
    public void The_archive_keeps_only_non_dominated_points_and_its_hypervolume()
    {
        var archive = new ParetoArchive(2);

        Assert.True(archive.Add(0, [2, 2]));
        Assert.False(archive.Add(1, [3, 3])); // dominated
        Assert.False(archive.Add(2, [2, 2])); // equal to one kept
        Assert.True(archive.Add(3, [1, 3]));
        Assert.True(archive.Add(4, [1.5, 1])); // dominates [2, 2]

        Assert.Equal([3, 4], archive.Points.Select(p => p.Id).Order());
        Assert.Equal(Hypervolume.Of([[1.0, 3.0], [1.5, 1.0]], [4, 4]), archive.Hypervolume([4, 4]), 12);
        Assert.Throws<ArgumentException>(() => archive.Add(5, [1, 2, 3]));
    }
}
