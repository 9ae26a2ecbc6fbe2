using AutoDesign.Search.Kinds.Common;

namespace AutoDesign.Search.Kinds.Train;

/// <summary>The fields a form offers for a training job.</summary>
internal static class TrainForm
{
    private const string Exchange = "Exchange", Training = "Training";
    private static readonly FormCondition Compressed = new("agent", ["dgc"]);

    public static readonly IReadOnlyList<FormField> Fields =
    [
        new("model", "model", ModelJobForm.Design, "text", Default: "resnet20", ChoicesFrom: "models"),
        new("dataset", "data set", ModelJobForm.Design, "choice", Default: "fashion-mnist", ChoicesFrom: "datasets"),
        new("agent", "exchange", Exchange, "choice", ChoicesFrom: "agents", Help: "dgc: Deep Gradient Compression; dense: every gradient in full"),
        new("workers", "workers (silos)", Exchange, "integer", Default: "2"),
        new("compression.density", "density after the warm-up", Exchange, "number", ShownWhen: [Compressed], Help: "blank: the paper's 0.001 (0.1 %)"),
        new("compression.warmupEpochs", "warm-up epochs", Exchange, "integer", ShownWhen: [Compressed], Help: "blank: 4 (25 % down to the density)"),
        new("link.bitsPerSecond", "emulated link (bits per second)", Exchange, "number", Help: "blank: the network as it is"),
        new("training.epochs", "epochs", Training, "integer", Default: "4"),
        new("training.trainLimit", "training images (limit)", Training, "integer"),
        new("training.batchSize", "batch (over all workers)", Training, "integer"),
        new("training.learningRate", "learning rate (SGD)", Training, "number"),
        new("seed", "seed", Training, "integer", Default: "1"),
    ];
}
