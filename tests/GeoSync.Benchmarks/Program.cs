using GeoSync.Benchmarks;

return await BenchmarkRunner.RunAsync(args);
