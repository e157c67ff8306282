// BlenderbotSmall, BART and PAL against PyTorch, the test_gpt2.c way (Fixtures/<model>/, written by
// scripts/make_model_fixtures.py): weights through the importer, then logits, loss, encoder states,
// the gradient of every named parameter, and a 10-step AdamW loss trajectory.
import Checkpoint
import Foundation
import Models
import NN
import TensorCore
import TensorTesting
import Training
import XCTest

final class HuggingFaceParityTests: XCTestCase {
    struct Expected: Decodable {
        var logits: [Float]
        var loss: Double
        var adamw_losses: [Double]
        var encoder_last_hidden_state: [Float]
        var mixed_encoder_state: [Float]?
    }

    /// The fixture's model, imported as `paltrain import` imports a HuggingFace folder, its batch and expected values.
    private func load(_ name: String) throws -> (Seq2SeqLM, Seq2SeqInputs, Expected) {
        let (model, inputs) = try ModelFixture.load(name)
        let e = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: ModelFixture.folder.appendingPathComponent("\(name)/expected.json")))
        return (model, inputs, e)
    }

    private func check(_ name: String) throws {
        let (model, inputs, expected) = try load(name)
        let context = ForwardContext(training: true)   // every dropout rate of the fixture is 0
        let parameters = ParameterBuffer(model.namedParameters())

        let encoded = withNoGrad { model.model.encoder(inputs.inputIds, mask: inputs.attentionMask, context: context) }
        XCTAssertLessThan(difference(encoded.toArray(), expected.encoder_last_hidden_state).maxAbsolute, 1e-4, "\(name): encoder state")
        if let mixed = expected.mixed_encoder_state {
            let ours = withNoGrad { model.encode(inputs, context: context) }
            XCTAssertLessThan(difference(ours.toArray(), mixed).maxAbsolute, 1e-4, "\(name): co-attention output")
        }

        parameters.zeroGradients()
        let (loss, logits) = model.loss(inputs, context: context)
        loss.backward()
        let logitDiff = difference(logits.toArray(), expected.logits).maxAbsolute
        XCTAssertLessThan(logitDiff, 1e-4, "\(name): logits")
        XCTAssertEqual(Double(loss.item), expected.loss, accuracy: 1e-5, "\(name): loss")

        let grads = try SafeTensorsFile.read(from: ModelFixture.folder.appendingPathComponent("\(name)/grads.safetensors"))
        let ours = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.tensor) })
        XCTAssertEqual(Set(grads.tensors.map(\.name)), Set(ours.keys), "\(name): the same trainable parameters")
        var worst: (Float, String) = (0, "")
        for (gradName, want) in grads.tensors {
            guard let p = ours[gradName] else { continue }
            for (a, b) in zip(p.grad!.toArray(), want.toArray()) {
                let err = abs(a - b)
                if err > worst.0 { worst = (err, gradName) }
                if !(err <= 1e-5 || err <= 1e-3 * abs(b)) {
                    XCTFail("\(name): gradient of \(gradName): \(a) vs \(b)")
                    break
                }
            }
        }

        let optimizer = AdamW(parameters, config: AdamWConfig(weightDecay: 0))
        var losses: [Double] = []
        for _ in 0..<10 {
            parameters.zeroGradients()
            let l = model.loss(inputs, context: context).loss
            losses.append(Double(l.item))
            l.backward()
            optimizer.step(lr: 1e-3)
        }
        losses.append(Double(withNoGrad { model.loss(inputs, context: context).loss.item }))
        let trajectory = zip(losses, expected.adamw_losses).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(trajectory, 1e-4, "\(name): AdamW losses \(losses) vs \(expected.adamw_losses)")
        print("\(name): logits max |Δ| \(logitDiff), loss |Δ| \(abs(Double(loss.item) - expected.loss)), "
              + "gradients max |Δ| \(worst.0) (\(worst.1)), 11-loss AdamW trajectory max |Δ| \(trajectory)")
    }

    func testBlenderbotSmall() throws { try check("blenderbot_small") }
    func testBART() throws { try check("bart") }
    func testPAL() throws { try check("pal") }
}
