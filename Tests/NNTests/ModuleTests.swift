// Module naming and strict loading: HF state-dict paths, and every problem reported at once.
import NN
import TensorCore
import XCTest

final class ModuleTests: XCTestCase {
    private func layer() -> TransformerEncoderLayer {
        var rng = RandomGenerator(seed: 1)
        return TransformerEncoderLayer(TransformerBlockConfig(width: 8, heads: 2, ffnWidth: 16), rng: &rng)
    }

    func testNamesAreHuggingFaceStateDictPaths() {
        let names = layer().namedParameters(prefix: "model.encoder.layers.0.").map(\.name)
        XCTAssertEqual(names.first, "model.encoder.layers.0.self_attn.k_proj.weight")
        XCTAssertTrue(names.contains("model.encoder.layers.0.final_layer_norm.bias"))
        XCTAssertEqual(names.count, 16)
        XCTAssertEqual(layer().parameterCount, 4 * (8 * 8 + 8) + 2 * 2 * 8 + (8 * 16 + 16) + (16 * 8 + 8))
    }

    func testLoadReportsMissingUnusedAndShapeProblemsTogether() {
        let target = layer()
        var state = layer().stateDict()
        state["fc1.bias"] = nil
        state["fc2.weight"] = Tensor(zeros: [8])
        state["decoder.extra"] = Tensor(zeros: [1])
        let before = target.fc1.weight.toArray()
        XCTAssertThrowsError(try target.load(state)) { error in
            XCTAssertEqual("\(error)", "the weights do not fit the model: missing tensors: fc1.bias; tensors the model does not have: decoder.extra; wrong shapes: fc2.weight is [8], expected [8, 16]")
        }
        XCTAssertEqual(target.fc1.weight.toArray(), before, "nothing is assigned when loading fails")
    }

    func testLoadRefusesNonFiniteWeightsNamingTheTensor() {
        let target = layer()
        var state = layer().stateDict()
        var damaged = state["fc1.weight"]!.toArray()
        damaged[3] = .nan
        damaged[5] = -.infinity
        state["fc1.weight"] = Tensor(shape: [16, 8], values: damaged)
        XCTAssertThrowsError(try target.load(state)) { error in
            XCTAssertEqual("\(error)", "the weights do not fit the model: NaN or infinite values: fc1.weight (2) (the weights are damaged: use an earlier checkpoint)")
        }
    }

    func testLoadCopiesValues() throws {
        let source = layer(), target = layer()
        source.fc1.weight.assign(Tensor(shape: [16, 8], repeating: 0.25))
        try target.load(source.stateDict())
        XCTAssertEqual(target.fc1.weight.toArray(), [Float](repeating: 0.25, count: 128))
    }
}
