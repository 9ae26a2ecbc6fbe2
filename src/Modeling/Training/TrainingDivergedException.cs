namespace AutoDesign.Modeling.Training;

/// <summary>The loss became NaN or infinite; the message suggests what to change.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
