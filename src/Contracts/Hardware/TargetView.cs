namespace AutoDesign.Contracts;

/// <summary>
/// A hardware target a constraint can name; <c>Kind</c> is measured, table, predictor or analytic. A look-up table
/// says how many layer shapes it covers and when it was built.
/// </summary>
public sealed record TargetView(string Name, string Kind, string Description, int? TableEntries = null, DateTimeOffset? BuiltAt = null);

/// <summary>A compute device a silo registered at start-up.</summary>
public sealed record DeviceView(string Id, string Silo, string Name, string Kind, string Description, int Threads, DateTime RegisteredAt);
