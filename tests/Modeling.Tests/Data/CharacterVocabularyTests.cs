using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Text;

namespace AutoDesign.Modeling.Tests.Data;

public class CharacterVocabularyTests
{
    [Fact]
    public void Printable_ascii_and_line_breaks_round_trip_and_are_numbered_from_two()
    {
        string text = "Fellow-Citizens of the Senate,\nand ~ {House} 1790!";

        var tokens = CharacterVocabulary.Encode(text);

        Assert.Equal(text, CharacterVocabulary.Decode(tokens));
        Assert.Equal(2, CharacterVocabulary.Encode(" ")[0]);
        Assert.Equal(96, CharacterVocabulary.Encode("~")[0]);
        Assert.Equal(CharacterVocabulary.LineBreak, tokens[30]);
    }

    [Fact]
    public void Typography_and_accents_become_ascii_and_the_rest_unknown()
    {
        var tokens = CharacterVocabulary.Encode("it\u2019s \u201Cna\u00EFve\u201D\u2014caf\u00E9\r\n\u00B0\u2022\t!");

        Assert.Equal("it's \"naive\"-cafe\n\uFFFD\uFFFD !", CharacterVocabulary.Decode(tokens));
        Assert.Equal(2, tokens.Count(t => t == CharacterVocabulary.Unknown));
    }

    [Fact]
    public void A_tarball_whose_hash_is_not_the_pinned_one_is_refused()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "abc");
            // SHA-512 of "abc", base64
            NpmPackage.VerifyIntegrity(file, "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==", "abc");
            File.WriteAllText(file, "abd");
            var e = Assert.Throws<DatasetException>(() => NpmPackage.VerifyIntegrity(file, "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==", "abc"));
            Assert.Contains("not the sha512-3a81", e.Message);
        }
        finally { File.Delete(file); }
    }
}
