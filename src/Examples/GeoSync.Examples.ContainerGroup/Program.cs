using GeoSync.Examples.ContainerGroup;

// Configuration: Receiver__Secret, Receiver__Name, Receiver__Container, Receiver__SecurityGroupId, Receiver__VSwitchId (see README.md).
await ContainerGroupReceiver.Create(args).RunAsync();
