namespace AutoDesign.Contracts;

/// <summary>
/// What the service offers, as <c>GET /api/catalog</c> gives it: the kinds of job with the fields of their specs, the
/// agents and the kinds each serves, and the names a spec may use (targets, data sets, models, super-networks). A
/// client such as the dashboard builds its forms from it, so a new kind or agent needs no client code.
/// </summary>
public sealed record CatalogView(
    IReadOnlyList<KindView> Kinds,
    IReadOnlyList<AgentView> Agents,
    IReadOnlyList<TargetView> Targets,
    IReadOnlyList<string> Datasets,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Supernets);

/// <summary>A kind of job: its name (a spec's <c>kind</c>), what it designs, its agents and the fields of its spec.</summary>
/// <param name="Unconstrained">What a job of this kind without a constraint optimises, in words.</param>
public sealed record KindView(string Name, string Title, string Description, IReadOnlyList<string> Agents, IReadOnlyList<FormField> Fields, string Unconstrained);

/// <summary>A search agent, the kinds it serves, and whether it is a baseline (a reference point for the searching agents).</summary>
public sealed record AgentView(string Name, string Description, IReadOnlyList<string> Kinds, bool Baseline);

/// <summary>
/// One input of a kind's spec form. <c>Path</c> is where its value goes in the spec (<c>constraint.ratio</c>), which is
/// also the field the API's errors name; a field that is not <c>Submitted</c> only steers which others are shown.
/// <c>Input</c> is text, number, integer, choice, list (comma-separated words), integers (comma-separated whole numbers) or constant (always its default);
/// a choice's options are <c>Choices</c>, or the catalog's names <c>ChoicesFrom</c> (agents, targets, datasets,
/// models, supernets), and a text field may suggest them the same way. The field is shown when every one of
/// <c>ShownWhen</c> holds.
/// </summary>
public sealed record FormField(
    string Path,
    string Label,
    string Group,
    string Input,
    string? Default = null,
    IReadOnlyList<FormChoice>? Choices = null,
    string? ChoicesFrom = null,
    IReadOnlyList<FormCondition>? ShownWhen = null,
    bool Submitted = true,
    string? Help = null);

/// <summary>One option of a choice: the value sent and the words shown.</summary>
public sealed record FormChoice(string Value, string Label);

/// <summary>Holds when the field at <c>Path</c> has one of <c>Values</c> (with no values: any value but none).</summary>
public sealed record FormCondition(string Path, IReadOnlyList<string>? Values = null);
