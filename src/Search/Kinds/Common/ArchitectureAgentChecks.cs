using AutoDesign.Search.Agents.Evolution;
using AutoDesign.Search.Agents.Nsga2;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Nas;

namespace AutoDesign.Search.Kinds.Common;

/// <summary>The settings of the agents that search discrete architecture choices, with their defaults filled in from the budget.</summary>
internal static class ArchitectureAgentChecks
{
    public static EvolutionOptions Evolution(EvolutionSettings? given, string? agent, int evaluations, SpecErrors errors)
    {
        var ofa = new EvolutionOptions();
        var settings = given ?? new EvolutionSettings();
        var evolution = new EvolutionOptions
        {
            Population = settings.Population ?? BudgetedPopulation.For(Math.Max(1, evaluations)),
            ParentRatio = settings.ParentRatio ?? ofa.ParentRatio,
            MutationRatio = settings.MutationRatio ?? ofa.MutationRatio,
            MutationProbability = settings.MutationProbability ?? ofa.MutationProbability,
        };
        if (given is not null && agent != "evolution") errors.Add("evolution", "applies to agent 'evolution'");
        foreach (var (field, reason) in evolution.Problems()) errors.Add($"evolution.{field}", reason);
        return evolution;
    }

    public static Nsga2Options Nsga2(Nsga2Settings? given, string? agent, int evaluations, SpecErrors errors)
    {
        var settings = given ?? new Nsga2Settings();
        if (given is not null && agent != "nsga2") errors.Add("nsga2", "applies to agent 'nsga2'");
        var nsga2 = new Nsga2Options
        {
            Population = settings.Population ?? BudgetedPopulation.For(Math.Max(1, evaluations)),
            CrossoverProbability = settings.CrossoverProbability,
            MutationProbability = settings.MutationProbability,
        };
        foreach (var (field, reason) in nsga2.Problems()) errors.Add($"nsga2.{field}", reason);
        return nsga2;
    }
}
