using System.Globalization;
using System.Text.RegularExpressions;

namespace AutoDesign.Modeling.Specs;

/// <summary>Reads uniform precisions written as W&lt;weight bits&gt;A&lt;activation bits&gt;, e.g. W8A8.</summary>
public static partial class PrecisionNotation
{
    [GeneratedRegex("^[Ww](\\d+)[Aa](\\d+)$")]
    private static partial Regex Pattern();

    public static PrecisionPolicy Parse(string text, string option)
    {
        var match = Pattern().Match(text.Trim());
        if (!match.Success) throw new ArgumentException($"{option} '{text}' is not of the form W<bits>A<bits>, e.g. W8A8");
        return PrecisionPolicy.Uniform(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }
}
