// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Drydock",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "RegistryStorage", targets: ["RegistryStorage"]),
        .executable(name: "drydock", targets: ["drydock"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    ],
    targets: [
        // Thin C wrappers for syscalls Swift cannot call directly (openat2 is reached only through syscall(2)).
        .target(name: "CDrydockSystem", path: "Sources/CDrydockSystem"),
        .target(
            name: "RegistryStorage",
            dependencies: [
                "CDrydockSystem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        // The terminal UI: pure state -> cell grid, no ncurses (testable without a terminal).
        .target(name: "DrydockUI", dependencies: ["RegistryStorage"]),
        // ncurses through the wide-character API; only CursesTerminal imports it.
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
        .target(name: "CursesTerminal", dependencies: ["CNCurses", "DrydockUI"]),
        // The embedded demo registry (Resources/demo-store), copied out before use.
        .target(name: "DrydockResources", path: "Resources", resources: [.copy("demo-store")]),
        // The demo registry store written byte for byte as the registry would (drydock demo, tests); not shipped in
        // the RegistryStorage library.
        .target(name: "DemoRegistry", dependencies: ["RegistryStorage", .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(
            name: "drydock",
            dependencies: [
                "CDrydockSystem",
                "RegistryStorage",
                "DemoRegistry",
                "DrydockUI",
                "CursesTerminal",
                "DrydockResources",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["BuildInfoPlugin"]
        ),
        // Writes the git commit into the drydock binary (`drydock --version`).
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        // Writes large valid stores for benchmarks and scale tests.
        .target(name: "StoreGenerator", dependencies: ["RegistryStorage"]),
        // Launchers for docker-registry, moto and redis on loopback ports, child processes, tool lookup: shared by
        // drydock-bench and the interop tests; not a product.
        .target(name: "TestHarness", dependencies: ["RegistryStorage"]),
        // The floor for `drydock-bench floor`: a minimal collector walk in C (only the unavoidable system calls).
        .target(name: "CBenchFloor", path: "Sources/CBenchFloor"),
        .executableTarget(
            name: "drydock-bench",
            dependencies: [
                "StoreGenerator",
                "TestHarness",
                "CBenchFloor",
                "RegistryStorage",
                "DrydockUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Tests that start the real docker-registry and push with skopeo.
        .testTarget(
            name: "InteropTests",
            dependencies: ["RegistryStorage", "StoreGenerator", "DemoRegistry", "TestHarness"]
        ),
        .testTarget(
            name: "DrydockUITests",
            dependencies: ["DrydockUI", "RegistryStorage", "TestHarness"]
        ),
        .testTarget(
            name: "RegistryStorageTests",
            dependencies: [
                "RegistryStorage",
                "DemoRegistry",
                "TestHarness",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
