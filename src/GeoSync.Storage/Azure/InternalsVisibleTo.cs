using System.Runtime.CompilerServices;

// The Azure driver's tests check the error translation and block naming directly.
[assembly: InternalsVisibleTo("GeoSync.Storage.Tests")]
