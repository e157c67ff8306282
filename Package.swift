// swift-tools-version:6.0
// paltrain: PAL (persona-augmented emotional support conversation) end to end, on our own tensor library.
import PackageDescription

/// Numeric targets drop overflow and precondition checks in release builds; debug builds keep them.
let numericSettings: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "paltrain",
    products: [
        .executable(name: "paltrain", targets: ["paltrain"]),
        .library(name: "TensorCore", targets: ["TensorCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        // -O3 in every configuration: these loops are only worth having vectorized.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]),
        .target(name: "TensorCore", dependencies: ["COpenBLAS", "CKernels"], swiftSettings: numericSettings),
        .target(name: "Checkpoint", dependencies: ["TensorCore", "CHDF5"]),
        .target(name: "NN", dependencies: ["TensorCore"], swiftSettings: numericSettings),
        .target(name: "Training", dependencies: ["TensorCore", "CKernels", "NN", "Models", "Checkpoint", "TextData", "Evaluation",
                                                 .product(name: "Yams", package: "Yams")],
                swiftSettings: numericSettings),
        .target(name: "Models", dependencies: ["NN", "TensorCore"], swiftSettings: numericSettings),
        .target(name: "TextData"),
        .target(name: "Evaluation", dependencies: ["TextData"]),
        .target(name: "TensorTesting", dependencies: ["TensorCore"]),
        .executableTarget(name: "paltrain", dependencies: [
            "COpenBLAS", "TensorCore", "NN", "Models", "Training", "Checkpoint", "TextData", "Evaluation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "NN", "TensorTesting"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "NN", "TensorCore", "TensorTesting", "Checkpoint", "Training", "TextData"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "NNTests", dependencies: ["NN", "TensorCore", "TensorTesting"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TextData"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TextDataTests", dependencies: ["TextData"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CLITests", dependencies: ["paltrain"]),
        .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint", "TensorCore", "TensorTesting"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "NN", "TensorCore", "TensorTesting", "Checkpoint", "Evaluation"],
                    resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v5]
)
