namespace AutoDesign.Host.Tests.Service;

/// <summary>A test class with the real service of its own, on a private data folder, started before each test.</summary>
public abstract class ServiceTest(params string[] settings) : IAsyncLifetime
{
    protected TestDataFolder Data { get; } = new();

    private protected TestService Service { get; private set; } = null!;

    public async Task InitializeAsync() => Service = await TestService.Start(Data.Root, settings);

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        Data.Dispose();
    }
}
