namespace AutoDesign.Modeling.Data;

/// <summary>A loaded, verified data set with its fixed train / validation / test split.</summary>
/// <param name="Mean">Per-channel mean of the training images, in [0, 1].</param>
/// <param name="Std">Per-channel standard deviation of the training images, in [0, 1].</param>
/// <param name="SplitRule">How the split was made, in words, so that it can be reproduced.</param>
public sealed record Dataset(
    DatasetInfo Info,
    ImageSet Train,
    ImageSet Validation,
    ImageSet Test,
    float[] Mean,
    float[] Std,
    string SplitRule)
{
    /// <summary>What went wrong while loading but did not stop it (images skipped), one line each.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public ImageSet this[DataSplit split] => split switch
    {
        DataSplit.Train => Train,
        DataSplit.Validation => Validation,
        _ => Test,
    };

    public static (float[] Mean, float[] Std) ChannelStatistics(ImageSet images)
    {
        int channels = images.Shape.Channels, plane = images.Shape.Height * images.Shape.Width;
        var mean = new float[channels];
        var std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, squares = 0;
            for (int i = 0; i < images.Count; i++)
            {
                long start = ((long)i * channels + c) * plane;
                for (int p = 0; p < plane; p++)
                {
                    double v = images.Pixels[start + p] / 255.0;
                    sum += v;
                    squares += v * v;
                }
            }
            double n = (double)images.Count * plane;
            mean[c] = (float)(sum / n);
            std[c] = (float)Math.Sqrt(Math.Max(squares / n - sum / n * (sum / n), 1e-12));
        }
        return (mean, std);
    }
}

public enum DataSplit
{
    Train,
    Validation,
    Test,
}
