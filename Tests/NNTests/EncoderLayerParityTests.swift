// One BlenderbotSmall encoder layer against HuggingFace transformers (Fixtures/encoder_layer.json,
// written by scripts/make_layer_fixture.py): output and the gradient of every named parameter and
// of the input, the test_gpt2.c way.
import Foundation
import NN
import TensorCore
import TensorTesting
import XCTest

final class EncoderLayerParityTests: XCTestCase {
    struct Fixture: Decodable {
        struct Config: Decodable { var width, heads, ffn, batch, length: Int; var lengths: [Int] }
        struct Parameter: Decodable { var name: String; var shape: [Int]; var values: [Float]; var grad: [Float] }
        var config: Config
        var parameters: [Parameter]
        var input, input_grad, projection, output: [Float]
    }

    func testMatchesHuggingFaceForwardAndEveryGradient() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/encoder_layer", withExtension: "json"))
        let fx = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let c = fx.config
        var rng = RandomGenerator(seed: 0)
        let layer = TransformerEncoderLayer(TransformerBlockConfig(width: c.width, heads: c.heads, ffnWidth: c.ffn, dropout: 0), rng: &rng)
        XCTAssertEqual(layer.namedParameters().map(\.name), fx.parameters.map(\.name), "HF names in HF order")
        try layer.load(Dictionary(uniqueKeysWithValues: fx.parameters.map { ($0.name, Tensor(shape: $0.shape, values: $0.values)) }))

        let x = Tensor(shape: [c.batch, c.length, c.width], values: fx.input, requiresGrad: true)
        let attention = IndexTensor(shape: [c.batch, c.length],
                                    values: c.lengths.flatMap { n in (0..<c.length).map { Int32($0 < n ? 1 : 0) } })
        let out = layer(x, mask: MultiHeadAttention.paddingMask(attention), context: ForwardContext(training: false))
        (out * Tensor(shape: out.shape, values: fx.projection)).sum().backward()

        let forward = difference(out.toArray(), fx.output)
        XCTAssertLessThan(forward.maxAbsolute, 2e-5, "output: \(forward)")
        var worst: (Float, String) = (difference(x.grad!.toArray(), fx.input_grad).maxAbsolute, "input")
        for (p, (name, tensor)) in zip(fx.parameters, layer.namedParameters()) {
            let d = difference(tensor.grad!.toArray(), p.grad)
            XCTAssertLessThan(d.maxAbsolute, 1e-4 * max(1, p.grad.map(abs).max()!), "gradient of \(name): \(d)")
            if d.maxAbsolute > worst.0 { worst = (d.maxAbsolute, name) }
        }
        print("encoder layer vs HF: output max |Δ| \(forward.maxAbsolute), largest gradient |Δ| \(worst.0) (\(worst.1))")
    }
}
