using AutoDesign.Modeling.Distributed;

namespace AutoDesign.Host.Training;

/// <summary>
/// What one silo's worker of a data-parallel run needs: the run, the worker's place among the attempt's workers (a run
/// resumed after losing a silo is another attempt, with fewer workers and an exchange grain of its own), the key of
/// that exchange, and the key of the grain that collects the workers' epochs for whoever watches the run (none when empty).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrainingAssignment(
    [property: Id(0)] DataParallelRun Run,
    [property: Id(1)] int Rank,
    [property: Id(2)] int Workers,
    [property: Id(3)] string Exchange,
    [property: Id(4)] string Progress = "");
