namespace AutoDesign.Modeling.Supernet;

/// <summary>Predicts a sub-network's validation accuracy (inherited weights, recalibrated batch norm) without measuring it.</summary>
public interface IAccuracyPredictor
{
    string Name { get; }

    double Predict(SubnetChoice choice);
}
