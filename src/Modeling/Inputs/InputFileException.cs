namespace AutoDesign.Modeling.Inputs;

/// <summary>A path a user named that may not be read, is not there, or is not a file of the expected kind and size; the message never quotes the file.</summary>
public sealed class InputFileException(string message) : ArgumentException(message);
