using AutoDesign.Silo.Cli;

return await AutoDesignCli.RunAsync(args);
