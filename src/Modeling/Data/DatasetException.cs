namespace AutoDesign.Modeling.Data;

/// <summary>A data set that cannot be named, fetched or verified; the message says what to do.</summary>
public sealed class DatasetException(string message, Exception? inner = null) : Exception(message, inner);
