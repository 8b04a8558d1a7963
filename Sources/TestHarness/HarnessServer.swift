/// A server the harness started (`RegistryServer`, `RedisServer`, `MotoServer`).
public protocol HarnessServer: AnyObject, Sendable {
    /// Stops the child and waits for it (blocking; bounded).
    func stop()
}

extension HarnessServer {
    /// Runs `body`, then stops the server whatever happens. Stopping waits for the child to exit, so it runs off the
    /// concurrency pool (see `OffPool`).
    public func stopping<T>(after body: (Self) async throws -> T) async throws -> T {
        do {
            let value = try await body(self)
            await OffPool.run { self.stop() }
            return value
        } catch {
            await OffPool.run { self.stop() }
            throw error
        }
    }
}
