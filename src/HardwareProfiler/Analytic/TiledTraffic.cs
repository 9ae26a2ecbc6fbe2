namespace AutoDesign.HardwareProfiler.Analytic;

/// <summary>
/// DRAM traffic of a layer whose weights and inputs stream through on-chip buffers: each byte once when both fit;
/// otherwise the layer is tiled, and either the inputs are read again for every further weight tile or the weights
/// for every further input tile, whichever moves fewer bytes. Outputs are written once (partial sums stay on chip).
/// </summary>
public static class TiledTraffic
{
    public static double Bytes(double weightBytes, double inputBytes, double outputBytes, double weightBufferBytes, double inputBufferBytes)
    {
        double weightTiles = Math.Max(1, Math.Ceiling(weightBytes / weightBufferBytes));
        double inputTiles = Math.Max(1, Math.Ceiling(inputBytes / inputBufferBytes));
        double rereads = Math.Min((weightTiles - 1) * inputBytes, (inputTiles - 1) * weightBytes);
        return weightBytes + inputBytes + outputBytes + rereads;
    }
}
