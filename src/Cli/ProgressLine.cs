namespace AutoDesign.Cli;

/// <summary>A status line on stderr that rewrites itself on a terminal and prints sparingly elsewhere.</summary>
internal sealed class ProgressLine(TextWriter error)
{
    private readonly bool _terminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
    private DateTime _lastPrinted = DateTime.MinValue;
    private int _width;

    public void Show(string text)
    {
        if (_terminal)
        {
            error.Write("\r" + text.PadRight(_width));
            _width = text.Length;
        }
        else if (DateTime.UtcNow - _lastPrinted > TimeSpan.FromSeconds(30))
        {
            error.WriteLine(text);
            _lastPrinted = DateTime.UtcNow;
        }
    }

    public void Clear()
    {
        if (!_terminal || _width == 0) return;
        error.Write("\r" + new string(' ', _width) + "\r");
        _width = 0;
    }
}
