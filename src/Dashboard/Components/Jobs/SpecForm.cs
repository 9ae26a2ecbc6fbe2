using System.Globalization;
using System.Text.Json.Nodes;

namespace AutoDesign.Dashboard.Components.Jobs;

/// <summary>
/// What the new-job form holds: a kind from the service's catalog and the text of each of its fields. Which fields
/// show follows the catalog's conditions; <see cref="ToSpec"/> puts the shown, submitted, non-empty ones at their
/// paths in a spec. Nothing here knows a kind: everything comes from the catalog.
/// </summary>
public sealed class SpecForm
{
    private readonly Dictionary<string, string> _values = [];

    public SpecForm(CatalogView catalog, string? kind = null)
    {
        Catalog = catalog;
        Kind = catalog.Kinds.FirstOrDefault(k => k.Name == kind) ?? catalog.Kinds[0];
        Reset();
    }

    public CatalogView Catalog { get; }

    public KindView Kind { get; private set; }

    /// <summary>The fields to show now, in the catalog's order (the first of several alternatives for one path).</summary>
    public IReadOnlyList<FormField> Shown => Kind.Fields.Where(IsShown).DistinctBy(f => f.Path).ToList();

    public IEnumerable<string> Groups => Shown.Select(f => f.Group).Distinct();

    public string Value(FormField field) => _values.GetValueOrDefault(field.Path, "");

    public void Set(FormField field, string? value) => _values[field.Path] = value ?? "";

    /// <summary>Switches kind; values of the fields both kinds have stay when the new kind accepts them.</summary>
    public void ChangeKind(string kind)
    {
        if (Catalog.Kinds.FirstOrDefault(k => k.Name == kind) is not { } chosen || chosen == Kind) return;
        var before = new Dictionary<string, string>(_values);
        Kind = chosen;
        Reset();
        foreach (var field in Kind.Fields.Where(f => f.Input != "constant"))
            if (before.TryGetValue(field.Path, out var value) && value != "" && Choices(field) is var choices && (choices.Count == 0 || field.Input != "choice" || choices.Any(c => c.Value == value)))
                _values[field.Path] = value;
    }

    /// <summary>The options of a choice (or suggestions of a text field), from the field or the catalog's names.</summary>
    public IReadOnlyList<FormChoice> Choices(FormField field) => field.Choices ?? (field.ChoicesFrom switch
    {
        "agents" => [.. Kind.Agents.Select(a => new FormChoice(a, a))],
        "targets" => [.. Catalog.Targets.Select(t => new FormChoice(t.Name, $"{t.Name} ({t.Kind})"))],
        "datasets" => [.. Catalog.Datasets.Select(d => new FormChoice(d, d))],
        "models" => [.. Catalog.Models.Select(m => new FormChoice(m, m))],
        "supernets" => [.. Catalog.Supernets.Select(s => new FormChoice(s, s))],
        _ => [],
    });

    /// <summary>The spec: the kind, then each shown field's value at its path; a value that cannot be read is named in <paramref name="problems"/>.</summary>
    public JsonObject ToSpec(out IReadOnlyDictionary<string, string[]> problems)
    {
        var found = new Dictionary<string, string[]>();
        var spec = new JsonObject { ["kind"] = Kind.Name };
        foreach (var field in Shown.Where(f => f.Submitted))
        {
            string text = (field.Input == "constant" ? field.Default ?? "" : Value(field)).Trim();
            if (text == "") continue;
            if (Parse(field, text) is { } value) Place(spec, field.Path, value);
            else found[field.Path] = [field.Input switch { "integer" => "must be a whole number", "integers" => "must be whole numbers, comma-separated", _ => "must be a number" }];
        }
        problems = found;
        return spec;
    }

    private void Reset()
    {
        _values.Clear();
        foreach (var field in Kind.Fields)
            _values.TryAdd(field.Path, field.Default ?? (field.ChoicesFrom == "agents" ? Kind.Agents.FirstOrDefault() : null) ?? "");
    }

    private bool IsShown(FormField field) =>
        (field.ShownWhen ?? []).All(c =>
            _values.GetValueOrDefault(c.Path, "") is var value && (c.Values is { Count: > 0 } values ? values.Contains(value) : value != ""));

    private static JsonNode? Parse(FormField field, string text) => field.Input switch
    {
        "integer" => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long whole) ? JsonValue.Create(whole) : null,
        "number" => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number) ? JsonValue.Create(number) : null,
        "integers" => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is var items
                      && items.All(i => long.TryParse(i, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            ? new JsonArray([.. items.Select(i => (JsonNode)JsonValue.Create(long.Parse(i, CultureInfo.InvariantCulture)))])
            : null,
        "list" => new JsonArray([.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(item => (JsonNode)JsonValue.Create(item))]),
        _ => JsonValue.Create(text),
    };

    private static void Place(JsonObject spec, string path, JsonNode value)
    {
        var parts = path.Split('.');
        var at = spec;
        foreach (string part in parts[..^1])
        {
            if (at[part] is not JsonObject inner) at[part] = inner = [];
            at = inner;
        }
        at[parts[^1]] = value;
    }
}
