using AutoDesign.Modeling.Torch;
using AutoDesign.Cli;

TorchRuntime.EnsureInitialized();
return await AutoDesignCli.RunAsync(args);
