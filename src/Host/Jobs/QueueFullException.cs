namespace AutoDesign.Host.Jobs;

/// <summary>Thrown when the service takes no more jobs for now.</summary>
public sealed class QueueFullException(int limit) : Exception($"{limit} jobs are already waiting; retry in {RetryAfterSeconds} seconds")
{
    /// <summary>What a 503 tells a client to wait before it tries again.</summary>
    public const int RetryAfterSeconds = 30;
}
