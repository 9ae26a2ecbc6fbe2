using AutoDesign.Search.Agents.Nsga2;

namespace AutoDesign.Search.Tests.Agents;

public class NonDominatedSortingTests
{
    [Fact]
    public void Points_fall_into_fronts_and_the_extremes_of_a_front_are_never_crowded()
    {
        double[][] points = [[1, 5], [2, 3], [4, 1], [3, 4], [5, 2], [6, 6], [2, 3]];

        var fronts = NonDominatedSorting.Fronts(points);

        Assert.Equal([[0, 1, 2, 6], [3, 4], [5]], fronts);
        var distance = CrowdingDistance.Of(points, [0, 1, 2]);
        Assert.True(double.IsPositiveInfinity(distance[0]) && double.IsPositiveInfinity(distance[2]));
        Assert.Equal((4.0 - 1) / 3 + (5.0 - 1) / 4, distance[1], 12); // [2,3] between [1,5] and [4,1]
    }

    [Fact]
    public void An_objective_constant_on_the_front_makes_no_member_an_extreme()
    {
        double[][] points = [[7, 2], [7, 1], [7, 4], [7, 3]];

        var distance = CrowdingDistance.Of(points, [0, 1, 2, 3]);

        // Only the second objective has extremes ([7,1] and [7,4]); the first and last by position are interior.
        Assert.True(double.IsPositiveInfinity(distance[1]) && double.IsPositiveInfinity(distance[2]));
        Assert.Equal((3.0 - 1) / 3, distance[0], 12);
        Assert.Equal((4.0 - 2) / 3, distance[3], 12);
    }
}
