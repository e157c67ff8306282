// Shared helpers for the checkpoint tests: temporary directories, sample contents full of awkward
// values, and bit-exact comparison of named tensor lists.
import Checkpoint
import Foundation
import TensorCore
import XCTest

/// A fresh directory under the system temporary directory, removed when the test ends.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("paltrain-checkpoint-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Floats whose bit patterns are easy to get wrong: NaNs (quiet, signalling, negative, with
/// payloads), infinities, signed zeros, subnormals and extremes.
let awkwardFloats: [Float] = [
    Float(bitPattern: 0x7FC0_0000), Float(bitPattern: 0x7FC0_0001), Float(bitPattern: 0x7FA0_0000),
    Float(bitPattern: 0xFFC1_2345), .infinity, -.infinity, 0, -0.0,
    .leastNonzeroMagnitude, -.leastNonzeroMagnitude, Float(bitPattern: 0x0000_1234), Float(bitPattern: 0x807F_FFFF),
    .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude, 1, -1, .pi,
]

/// HuggingFace-style names in an order that is not alphabetical (layer 10 after layer 2, `shared` first).
func sampleNames(layers: Int = 12) -> [String] {
    var names = ["model.shared.weight"]
    for layer in 0..<layers {
        for part in ["self_attn.q_proj.weight", "self_attn.q_proj.bias", "fc2.weight", "final_layer_norm.bias"] {
            names.append("model.encoder.layers.\(layer).\(part)")
        }
    }
    names.append("final_logits_bias")
    return names
}

/// Contents exercising every feature: awkward values, a 0-d and zero-size tensors, many dotted
/// names, moments for all but `final_logits_bias`, unicode metadata and a training state.
func sampleContents(seed: UInt64 = 7, bestValidationLoss: Double? = 2.718281828459045,
                    withMoments: Bool = true) -> CheckpointContents {
    var rng = RandomGenerator(seed: seed)
    var tensors: [NamedTensor] = []
    for (i, name) in sampleNames().enumerated() {
        let shape = i % 3 == 0 ? [4, 8] : [40]
        var values = Tensor.randn(shape, rng: &rng).toArray()
        values.replaceSubrange(0..<awkwardFloats.count, with: awkwardFloats)
        tensors.append((name, Tensor(shape: shape, values: values)))
    }
    tensors.append(("model.encoder.embed_scale", Tensor(scalar: -0.0)))
    tensors.append(("model.decoder.empty_buffer", Tensor(zeros: [0])))
    tensors.append(("model.decoder.empty.matrix", Tensor(zeros: [3, 0, 2])))

    var moments: OptimizerMoments?
    if withMoments {
        let trained = tensors.filter { $0.name != "final_logits_bias" }
        moments = OptimizerMoments(
            expAvg: trained.map { ($0.name, Tensor.randn($0.tensor.shape, rng: &rng)) },
            expAvgSq: trained.map { ($0.name, Tensor.uniform($0.tensor.shape, low: 0, high: 1e-3, rng: &rng)) })
    }
    return CheckpointContents(
        tensors: tensors, optimizerMoments: moments,
        config: #"{"d_model": 512, "note": "Grüße, 你好, 🤖, \"quoted\", tab\t"}"#,
        tokenizer: #"{"name": "facebook/blenderbot_small-90M", "special": "▁<s> — ✓"}"#,
        training: TrainingState(step: 1234, epoch: 3, batchInEpoch: 17, dataOrderSeed: .max - 1,
                                rngState: [.max, 0x8000_0000_0000_0001, 12345, 0xDEAD_BEEF_CAFE_BABE],
                                bestValidationLoss: bestValidationLoss, optimizerStep: 1200),
        inputLengths: #"{"max_decoder_length":80,"max_input_length":128,"max_persona_length":128}"#)
}

/// Fails unless both lists hold the same names in the same order with identical shapes and bits.
func assertBitIdentical(_ actual: [NamedTensor], _ expected: [NamedTensor], _ label: String,
                        file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.map(\.name), expected.map(\.name), "\(label): names or order differ", file: file, line: line)
    for (a, e) in zip(actual, expected) {
        XCTAssertEqual(a.tensor.shape, e.tensor.shape, "\(label) \(a.name): shape", file: file, line: line)
        XCTAssertEqual(a.tensor.toArray().map(\.bitPattern), e.tensor.toArray().map(\.bitPattern),
                       "\(label) \(a.name): bit patterns", file: file, line: line)
    }
}

/// The error `body` throws, as a `CheckpointError` (fails the test when it throws nothing or something else).
func checkpointError(file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> Void) -> CheckpointError? {
    do {
        try body()
        XCTFail("expected a CheckpointError, but nothing was thrown", file: file, line: line)
    } catch let error as CheckpointError {
        return error
    } catch {
        XCTFail("expected a CheckpointError, got \(error)", file: file, line: line)
    }
    return nil
}
