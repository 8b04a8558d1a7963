import RegistryStorage
import Testing
@testable import DrydockUI

/// The browser's garbage collection (`X`) plans through the same collector as `drydock gc`: what the load could not
/// read blocks it there too, and the dialog offers no way to run it.
@Suite struct GCBlockerFlowTests {
    @Test func aManifestBehindASymlinkBlocksTheBrowsersCollection() async throws {
        let (f, app, _, _, _, _, _) = UIFixture.standard()
        f.driver.plant(.symlinkLeavingRoot, at: StoreLayout.blobData(app.manifest))
        var s = try await DeleteFlowTests.enabled(f)
        let planning = press(&s, .char("X"))
        #expect(planning.map(\.summary) == ["planGarbageCollection"])
        await DeleteFlowTests.perform(planning, &s, f)
        let text = s.text
        #expect(text.contains("Garbage collection"))
        #expect(text.contains("Cannot run safely"), "\(text)")
        #expect(text.contains("team/app@sha256:"), "\(text)")
        #expect(!text.contains("Type yes"))
        type(&s, "yes")
        #expect(!press(&s, .enter).contains { $0.summary.hasPrefix("collectGarbage") })
        #expect(f.driver.contents(StoreLayout.blobData(app.layers[1])) != nil, "the image's layers stay")
    }
}
