// The launchers (RegistryServer, MotoServer, RedisServer), Shell, RequiredTool and the loopback ports live in the
// TestHarness target, shared with drydock-bench. Re-exported here once so no test file needs its own import.
@_exported import TestHarness
