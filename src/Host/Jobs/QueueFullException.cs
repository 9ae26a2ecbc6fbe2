namespace AutoDesign.Host.Jobs;

/// <summary>Thrown when the service takes no more jobs for now.</summary>
public sealed class QueueFullException(int limit) : Exception($"{limit} jobs are already waiting; retry later");
