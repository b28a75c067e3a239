using GeoSync.Host.Cli;

return await GeoSyncCli.RunAsync(args, Console.Out, Console.Error);
