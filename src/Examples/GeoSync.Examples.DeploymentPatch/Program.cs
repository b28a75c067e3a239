using GeoSync.Examples.DeploymentPatch;

// Configuration: Receiver__Secret, Receiver__Namespace, Receiver__Deployment, Receiver__Container (see README.md).
await DeploymentPatchReceiver.Create(args).RunAsync();
