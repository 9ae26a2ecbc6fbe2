namespace AutoDesign.Modeling.Data.Text;

/// <summary>
/// A loaded, verified text corpus as token streams (<see cref="CharacterVocabulary"/>), with its fixed split. Language
/// models read windows of <see cref="DatasetInfo.Shape"/>'s width (the context) from these streams.
/// </summary>
/// <param name="SplitRule">How the split was made, in words, so that it can be reproduced.</param>
public sealed record TextCorpus(DatasetInfo Info, byte[] Train, byte[] Validation, byte[] Test, string SplitRule)
{
    public byte[] this[DataSplit split] => split switch
    {
        DataSplit.Train => Train,
        DataSplit.Validation => Validation,
        _ => Test,
    };
}
