using AutoDesign.Search.Agents;
using AutoDesign.Search.Architecture;

namespace AutoDesign.Search.Tests.Architecture;

/// <summary>Runs an agent on a function space as a job would: until it has proposed so many distinct vectors, repeats told again.</summary>
internal static class Drive
{
    public static List<int[]> Run(ISearchAgent agent, FunctionSpace space, int evaluations, bool withCost = false)
    {
        var distinct = new List<int[]>();
        var seen = new HashSet<string>();
        for (int asks = 0; distinct.Count < evaluations && asks < 50 * evaluations; asks++)
        {
            var candidate = agent.Ask(1)[0];
            var choices = ChoiceVector.Of(candidate);
            if (seen.Add(ChoiceVector.Key(choices))) distinct.Add(choices);
            agent.Tell([new Scored(candidate, space.Accuracy(choices), withCost ? [space.Cost(choices)] : null)]);
        }
        return distinct;
    }
}
