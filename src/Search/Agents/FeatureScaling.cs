namespace AutoDesign.Search.Agents;

/// <summary>Scales each column of a per-step feature table to [0, 1] (constant columns become 0), as AMC and HAQ do.</summary>
public static class FeatureScaling
{
    public static float[][] MinMax(double[][] rows)
    {
        int columns = rows[0].Length;
        var result = rows.Select(_ => new float[columns]).ToArray();
        for (int c = 0; c < columns; c++)
        {
            double min = rows.Min(r => r[c]), max = rows.Max(r => r[c]);
            for (int i = 0; i < rows.Length; i++) result[i][c] = max > min ? (float)((rows[i][c] - min) / (max - min)) : 0f;
        }
        return result;
    }
}
