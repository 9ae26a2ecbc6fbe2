using AutoDesign.Modeling.Torch;
using AutoDesign.Cli;

if (args is [IsaProbe.Argument]) return IsaProbe.Run();
IsaProbe.ChooseForThisMachine();
TorchRuntime.EnsureInitialized();
return await AutoDesignCli.RunAsync(args);
