using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;

namespace AutoDesign.Dashboard.Api;

/// <summary>
/// The API key a person gave the dashboard, kept for the browser session (encrypted in the tab's session storage) so
/// that it is asked for once, when a change first needs it.
/// </summary>
public sealed class ApiKeySession(ProtectedSessionStorage storage)
{
    private const string StorageKey = "autodesign-api-key";
    private bool _loaded;

    public string? Key { get; private set; }

    public event Action? Changed;

    public async Task<string?> Load()
    {
        if (_loaded) return Key;
        try
        {
            var stored = await storage.GetAsync<string>(StorageKey);
            Key = stored.Success ? stored.Value : null;
            _loaded = true;
        }
        catch (InvalidOperationException)
        {
            // Before the circuit is interactive (pre-rendering) there is no browser storage to read yet.
        }
        return Key;
    }

    public async Task Set(string? key)
    {
        Key = string.IsNullOrWhiteSpace(key) ? null : key.Trim();
        _loaded = true;
        if (Key is null) await storage.DeleteAsync(StorageKey);
        else await storage.SetAsync(StorageKey, Key);
        Changed?.Invoke();
    }
}
