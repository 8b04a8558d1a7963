import TestHarness

extension RegistryServer {
    /// The registry's HTTP API. `RegistryAPI` stays in the test target: its `HTTPResponse` would clash with
    /// RegistryStorage's in every test file if TestHarness exported it.
    var api: RegistryAPI { RegistryAPI(baseURL: baseURL) }
}
