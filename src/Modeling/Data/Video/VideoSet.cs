namespace AutoDesign.Modeling.Data.Video;

/// <summary>
/// A video data set for next-frame prediction: generators of training, validation and test clips. A model reads a
/// clip's frames but the last and predicts the last. Training draws clips 0, 1, 2, ... of <see cref="Train"/> in
/// order, each once; validation and test are the first <see cref="ValidationClips"/> and <see cref="TestClips"/> clips
/// of theirs.
/// </summary>
/// <param name="Rule">How the clips are made and split, in words, so that they can be reproduced.</param>
public sealed record VideoSet(DatasetInfo Info, MovingMnist Train, MovingMnist Validation, MovingMnist Test, int ValidationClips, int TestClips, string Rule)
{
    /// <summary>Frames a model reads (the clip's but the last).</summary>
    public int Context => Train.Frames - 1;
}
