using System.Globalization;
using System.Text.Json;

namespace AutoDesign.Search.Tables;

/// <summary>A benchmark table that cannot be read, with where it broke.</summary>
public sealed class TableFormatException(string message) : Exception(message);

/// <summary>
/// A tabular NAS benchmark as published: one row per architecture, some columns its decisions, the others what was
/// measured (accuracy, latency on each device, FLOPs...). Read from CSV (a header line, then comma-separated rows,
/// double quotes around fields that hold commas) or JSON (an array of flat objects with the same keys). A column whose
/// every value is a finite number is numeric.
/// </summary>
public sealed class BenchmarkTable
{
    private readonly string[][] _cells; // [column][row]
    private readonly double[]?[] _numbers;
    private readonly Dictionary<string, int> _index;

    private BenchmarkTable(IReadOnlyList<string> columns, string[][] cells, string source)
    {
        if (columns.Count == 0) throw new TableFormatException($"{source}: no columns");
        if (cells[0].Length == 0) throw new TableFormatException($"{source}: no rows");
        var repeated = columns.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new TableFormatException($"{source}: a column appears twice");
        Columns = columns;
        Source = source;
        _index = columns.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        _cells = cells;
        _numbers = cells.Select(column =>
        {
            var values = new double[column.Length];
            for (int r = 0; r < column.Length; r++)
                if (!double.TryParse(column[r], NumberStyles.Float, CultureInfo.InvariantCulture, out values[r]) || !double.IsFinite(values[r])) return null;
            return values;
        }).ToArray();
    }

    public IReadOnlyList<string> Columns { get; }

    /// <summary>Where the table came from, for messages.</summary>
    public string Source { get; }

    public int RowCount => _cells[0].Length;

    public int IndexOf(string column) => _index.GetValueOrDefault(column, -1);

    public bool Has(string column) => IndexOf(column) >= 0;

    public bool IsNumeric(string column) => _numbers[Column(column)] is not null;

    public string Text(string column, int row) => _cells[Column(column)][row];

    /// <summary>The values of a numeric column.</summary>
    public IReadOnlyList<double> Numbers(string column) =>
        _numbers[Column(column)] ?? throw new ArgumentException($"column '{column}' of {Source} is not numeric");

    private int Column(string name) => IndexOf(name) is var i and >= 0 ? i : throw new ArgumentException($"{Source} has no column '{name}'");

    /// <summary>Reads a .json file as JSON and anything else as CSV.</summary>
    public static BenchmarkTable Load(string path)
    {
        string text = File.ReadAllText(path);
        string name = Path.GetFileName(path);
        return Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? FromJson(text, name) : FromCsv(text, name);
    }

    public static BenchmarkTable FromCsv(string text, string source)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Select((l, i) => (Text: l, Number: i + 1)).Where(l => l.Text.Trim().Length > 0).ToList();
        if (lines.Count == 0) throw new TableFormatException($"{source}: empty");
        var header = Fields(lines[0].Text, source, lines[0].Number).Select(h => h.Trim()).ToList();
        if (header.Any(h => h.Length == 0)) throw new TableFormatException($"{source}: line {lines[0].Number}: a column has no name");
        var cells = header.Select(_ => new string[lines.Count - 1]).ToArray();
        for (int r = 1; r < lines.Count; r++)
        {
            var fields = Fields(lines[r].Text, source, lines[r].Number);
            if (fields.Count != header.Count)
                throw new TableFormatException($"{source}: line {lines[r].Number} has {fields.Count} fields, the header {header.Count}");
            for (int c = 0; c < header.Count; c++) cells[c][r - 1] = fields[c].Trim();
        }
        return new BenchmarkTable(header, cells, source);
    }

    public static BenchmarkTable FromJson(string text, string source)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new TableFormatException($"{source} {Modeling.Inputs.ParseErrors.Describe(e, Modeling.Inputs.InputFormat.BenchmarkTable)}"); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array) throw new TableFormatException($"{source}: expected an array of row objects");
            var rows = document.RootElement.EnumerateArray().ToList();
            if (rows.Count == 0) throw new TableFormatException($"{source}: no rows");
            if (rows[0].ValueKind != JsonValueKind.Object) throw new TableFormatException($"{source}: row 0 is not an object");
            var columns = rows[0].EnumerateObject().Select(p => p.Name).ToList();
            var cells = columns.Select(_ => new string[rows.Count]).ToArray();
            for (int r = 0; r < rows.Count; r++)
            {
                if (rows[r].ValueKind != JsonValueKind.Object) throw new TableFormatException($"{source}: row {r} is not an object");
                var properties = rows[r].EnumerateObject().ToList();
                if (properties.Count != columns.Count || properties.Any(p => !columns.Contains(p.Name)))
                    throw new TableFormatException($"{source}: row {r} has other keys than row 0");
                foreach (var property in properties)
                    cells[columns.IndexOf(property.Name)][r] = property.Value.ValueKind switch
                    {
                        JsonValueKind.Number => property.Value.GetRawText(),
                        JsonValueKind.String => property.Value.GetString()!,
                        JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                        _ => throw new TableFormatException($"{source}: row {r}, '{property.Name}' is {property.Value.ValueKind.ToString().ToLowerInvariant()}: expected a number or a string"),
                    };
            }
            return new BenchmarkTable(columns, cells, source);
        }
    }

    // One CSV line: fields split at commas outside double quotes; "" inside quotes is a quote.
    private static List<string> Fields(string line, string source, int number)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        if (quoted) throw new TableFormatException($"{source}: line {number} ends inside quotes");
        fields.Add(field.ToString());
        return fields;
    }
}
