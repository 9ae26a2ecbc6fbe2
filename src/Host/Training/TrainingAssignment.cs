using AutoDesign.Modeling.Distributed;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Training;

namespace AutoDesign.Host.Training;

/// <summary>
/// What one silo's worker of a data-parallel run needs: the run (its exchange grain's key), the worker's place among
/// the run's workers, the network to train (worker 0's initial weights are everyone's), the data set by name and the settings.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrainingAssignment(
    [property: Id(0)] string Run,
    [property: Id(1)] int Rank,
    [property: Id(2)] int Workers,
    [property: Id(3)] ModelSpec Model,
    [property: Id(4)] string Dataset,
    [property: Id(5)] TrainingOptions Options,
    [property: Id(6)] GradientCompression Compression,
    [property: Id(7)] int InitialSeed = 0);
