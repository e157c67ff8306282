// swift-tools-version:6.0
// paltrain: PAL (persona-augmented emotional support conversation) end to end, on our own tensor library.
import PackageDescription

let package = Package(
    name: "paltrain",
    products: [
        .executable(name: "paltrain", targets: ["paltrain"]),
        .executable(name: "paltrain-study", targets: ["paltrain-study"]),
        .library(name: "TensorCore", targets: ["TensorCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        // -O3 in every configuration: these loops are only worth having vectorized.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]),
        .target(name: "TensorCore", dependencies: ["COpenBLAS", "CKernels"]),
        .target(name: "Checkpoint", dependencies: ["TensorCore", "CHDF5", "JSON"]),
        .target(name: "NN", dependencies: ["TensorCore"]),
        // MPI for data-parallel training: Open MPI's libmpi opened at run time, only under mpirun.
        .target(name: "CMPI", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "DataParallel", dependencies: ["CMPI"]),
        .target(name: "Training", dependencies: ["TensorCore", "CKernels", "NN", "Models", "Checkpoint", "TextData", "Evaluation", "JSON", "DataParallel"]),
        // The application layer: recipes and runs, stage data, tokenizer setup, HF import and export,
        // annotation, the evaluator, and the dialogue model behind generate, chat and score.
        .target(name: "PAL", dependencies: ["TensorCore", "NN", "Models", "Checkpoint", "TextData", "Evaluation", "Training", "PythonSemantics", "JSON",
                                            .product(name: "Yams", package: "Yams")]),
        .target(name: "Models", dependencies: ["NN", "TensorCore", "TextData"]),
        // Human evaluation (paper §4.5, §4.1): study records and their durable log, the pairwise chat and
        // persona-review studies, the sign test and Fleiss' κ, the report. Kept out of PAL so that the
        // web server's target and the statistics tests build without recompiling the application layer.
        .target(name: "HumanEval", dependencies: ["PAL", "Models", "TextData", "Checkpoint"]),
        // The study's web server (Hummingbird) and its pages, every asset embedded.
        .target(name: "HumanEvalServer", dependencies: ["HumanEval", "PAL", "TextData",
                                                        .product(name: "Hummingbird", package: "hummingbird"),
                                                        .product(name: "Logging", package: "swift-log"),
                                                        .product(name: "HTTPTypes", package: "swift-http-types")]),
        // JSON text ↔ values, order-keeping and byte-exact, with line and column in every error.
        .target(name: "JSON"),
        // CPython's string and random semantics that nltk, the tokenizers and the data split rely on.
        .target(name: "PythonSemantics"),
        .target(name: "TextData", dependencies: ["PythonSemantics", "JSON"]),
        .target(name: "Evaluation", dependencies: ["PythonSemantics"]),
        .target(name: "TensorTesting", dependencies: ["TensorCore"]),
        // The fuzz harness: each reader of outside files as a property check, seeds, structured mutations,
        // seeded sessions; `paltrain-fuzz` runs it long, replays kept inputs, and drives libFuzzer in `make fuzz`'s build.
        .target(name: "Fuzzing", dependencies: ["JSON", "TextData", "Checkpoint", "Models", "Training", "PAL", "TensorCore",
                                                .product(name: "Yams", package: "Yams")]),
        .target(name: "CLibFuzzer"),
        .executableTarget(name: "paltrain-fuzz", dependencies: ["Fuzzing", "CLibFuzzer",
                                                               .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // What every paltrain program shares: the process setup, and the option groups of replies and the crisis guard.
        .target(name: "CommandOptions", dependencies: ["PAL", "Models", "TensorCore", "DataParallel",
                                                       .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "paltrain", dependencies: [
            "COpenBLAS", "TensorCore", "NN", "Models", "Training", "PAL", "Checkpoint", "TextData", "Evaluation", "DataParallel",
            "HumanEval", "CommandOptions",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The human-evaluation web study, which `paltrain human-eval serve` runs: a program of its own, so
        // that building `paltrain` (the demo) leaves out the web server's packages.
        .executableTarget(name: "paltrain-study", dependencies: [
            "HumanEval", "HumanEvalServer", "PAL", "TextData", "CommandOptions",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "NN", "TensorTesting"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "NN", "TensorCore", "TensorTesting", "Checkpoint", "Training", "TextData"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "NNTests", dependencies: ["NN", "TensorCore", "TensorTesting"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TextData", "PythonSemantics"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TextDataTests", dependencies: ["TextData", "PythonSemantics", "JSON"], resources: [.copy("Fixtures")]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "CLITests", dependencies: ["paltrain", "paltrain-study"]),
        .testTarget(name: "HumanEvalTests", dependencies: ["HumanEval", "TextData"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint", "TensorCore", "TensorTesting"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "NN", "TensorCore", "TensorTesting", "Checkpoint", "Evaluation", "PythonSemantics"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "FuzzingTests", dependencies: ["Fuzzing", "JSON", "TextData", "Checkpoint", "Training", "PAL"]),
        .testTarget(name: "PALTests", dependencies: ["PAL", "Training", "Models", "NN", "TensorCore", "Checkpoint", "Evaluation", "TextData",
                                                    .product(name: "Yams", package: "Yams")],
                    resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v5]
)
