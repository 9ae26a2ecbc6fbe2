namespace AutoDesign.Storage;

/// <summary>A compute device a silo registered at start-up (its CPU, its GPUs); measured targets run on one.</summary>
public sealed class DeviceRecord
{
    /// <summary>The silo's address and the device's name, e.g. <c>S127.0.0.1:11111:123456789/cpu</c>.</summary>
    public required string Id { get; set; }

    public required string Silo { get; set; }

    public required string Name { get; set; }

    public required string Kind { get; set; }

    public required string Description { get; set; }

    public int Threads { get; set; }

    public DateTime RegisteredAt { get; set; }
}
