using AutoDesign.Modeling.Torch;
using AutoDesign.Silo.Cli;

TorchRuntime.EnsureInitialized();
return await AutoDesignCli.RunAsync(args);
