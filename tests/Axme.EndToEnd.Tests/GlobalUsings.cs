global using Xunit;

// The tests here start, kill and restart real node processes; running them in parallel would only
// make them slower on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
