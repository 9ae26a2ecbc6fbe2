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
}
