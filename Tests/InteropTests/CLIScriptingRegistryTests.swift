import Foundation
import Testing

/// `ls -q` and `--format` on a store registry 2.8.2 wrote, against what that registry serves: the catalog, each
/// repository's tag list, and the Docker-Content-Digest of every tag.
@Suite(.heavy) struct CLIScriptingRegistryTests {
    @Test(.timeLimit(.minutes(3)))
    func quietListingMatchesTheRegistrysAPI() async throws {
        try RequiredTool.require(all: RequiredTool.registryTools)
        let scratch = try TemporaryDirectory(prefix: "drydock-cli-quiet")
        defer { scratch.remove() }
        let pushed = try await DeleteScenario.push(into: scratch.url.appendingPathComponent("store"), layout: scratch.url.appendingPathComponent("layout"))
        let root = pushed.root.path
        func lines(_ r: ProcessResult) -> [String] { r.stdoutString.split(separator: "\n").map(String.init) }
        let repositories = try await DeleteScenario.drydock(["ls", "-q", root])
        let perRepository = try await DeleteScenario.drydock(["ls", "-q", root, "team/app"])
        let formatted = try await DeleteScenario.drydock(["ls", "--format", "{{.Tag}} {{.Digest}}", root, "team/app"])
        let byTag = try await DeleteScenario.drydock(["ls", "-q", root, "team/app:v1"])
        try await DeleteScenario.serve(pushed.root) { api in
            let catalog = try await api.catalog()
            let tags = try await api.tags("team/app")
            #expect(lines(repositories) == catalog)
            #expect(lines(perRepository) == tags.map { "team/app:\($0)" })
            for line in lines(formatted) {
                let parts = line.split(separator: " ").map(String.init)
                #expect(parts.count == 2, "\(line)")
                let served = try await api.manifest("team/app", parts[0]).digestHeader
                #expect(served == parts[1], "\(line)")
            }
            #expect(lines(formatted).count == 3)
        }
        #expect(lines(byTag) == [pushed.two])
    }
}
