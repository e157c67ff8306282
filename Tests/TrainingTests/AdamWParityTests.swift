// AdamW + linear warmup/decay + global-norm clipping against a PyTorch trajectory
// (Fixtures/adamw_trajectory.json, written by scripts/make_optimizer_fixture.py).
import Foundation
import TensorCore
import TensorTesting
import Training
import XCTest

final class AdamWParityTests: XCTestCase {
    struct Fixture: Decodable {
        struct Parameter: Decodable { var name: String; var shape: [Int]; var decay: Bool; var `init`: [Float]; var target: [Float]; var coef: [Float] }
        struct Step: Decodable { var lr: Double; var grad_norm: Double; var params: [String: [Float]] }
        var steps: Int
        var lr: Double
        var warmup_steps: Int
        var total_steps: Int
        var betas: [Double]
        var eps: Double
        var weight_decay: Double
        var max_grad_norm: Double
        var params: [Parameter]
        var trajectory: [Step]
    }

    func testTwentyStepsMatchPyTorch() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/adamw_trajectory", withExtension: "json"))
        let fx = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let named = fx.params.map { (name: $0.name, tensor: Tensor(shape: $0.shape, values: $0.`init`, requiresGrad: true)) }
        let buffer = ParameterBuffer(named)
        let optimizer = AdamW(buffer, config: AdamWConfig(beta1: fx.betas[0], beta2: fx.betas[1], eps: fx.eps,
                                                          weightDecay: fx.weight_decay))
        XCTAssertEqual(optimizer.decays, fx.params.map(\.decay), "parameter groups follow the HF rule")
        let schedule = LinearWarmupSchedule(peak: fx.lr, warmupSteps: fx.warmup_steps, totalSteps: fx.total_steps)

        var worst: Float = 0
        for (k, expected) in fx.trajectory.enumerated() {
            buffer.zeroGradients()
            for (p, spec) in zip(named, fx.params) {
                let g = p.tensor.grad!.data
                for i in 0..<p.tensor.count { g[i] = spec.coef[i] * (p.tensor.data[i] - spec.target[i]) }
            }
            let norm = buffer.clipGradientNorm(fx.max_grad_norm)
            XCTAssertEqual(norm, expected.grad_norm, accuracy: 1e-5 * expected.grad_norm, "grad norm at step \(k)")
            let lr = schedule.learningRate(at: k)
            XCTAssertEqual(lr, expected.lr, accuracy: 1e-15, "lr at step \(k)")
            optimizer.step(lr: lr)
            for p in named {
                let want = try XCTUnwrap(expected.params[p.name])
                for (a, e) in zip(p.tensor.toArray(), want) { worst = max(worst, abs(a - e) / max(abs(e), 1e-3)) }
            }
        }
        print("AdamW trajectory: largest relative deviation from PyTorch over \(fx.steps) steps: \(worst)")
        XCTAssertLessThan(worst, 1e-6)
    }

    /// The trainer folds clipping into the update (`step(lr:gradientScale:)`); the parameters and
    /// moments must be those of clipping in place and then stepping, bit for bit, clipped or not.
    func testClippingFoldedIntoTheStepMatchesClippingFirst() {
        func run(folded: Bool, maxNorm: Double) -> [[Float]] {
            let p = Tensor(shape: [3, 70], values: (0..<210).map { Float($0 % 17) * 0.05 - 0.4 }, requiresGrad: true)
            let buffer = ParameterBuffer([("w", p)])
            let optimizer = AdamW(buffer, config: AdamWConfig(weightDecay: 0.01))
            for step in 0..<4 {
                buffer.zeroGradients()
                let g = p.grad!.data
                for i in 0..<p.count { g[i] = Float((i * 7 + step) % 23) * 0.3 - 3 }
                if folded {
                    let norm = buffer.gradientNorm()
                    optimizer.step(lr: 1e-3, gradientScale: ParameterBuffer.clipCoefficient(norm: norm, maxNorm: maxNorm))
                } else {
                    buffer.clipGradientNorm(maxNorm)
                    optimizer.step(lr: 1e-3)
                }
            }
            return [p.toArray(), Array(UnsafeBufferPointer(start: optimizer.exponentialAverage.base, count: 210)),
                    Array(UnsafeBufferPointer(start: optimizer.exponentialAverageSquared.base, count: 210))]
        }
        for maxNorm in [1.0, 1e6] {   // clipped every step, and never
            XCTAssertEqual(run(folded: true, maxNorm: maxNorm), run(folded: false, maxNorm: maxNorm), "max norm \(maxNorm)")
        }
        XCTAssertEqual(ParameterBuffer.clipCoefficient(norm: 5, maxNorm: 0), 1, "no clipping without a max norm")
    }

    func testNormTakenDuringTheBackwardMatchesTheNormAfterIt() {
        var rng = RandomGenerator(seed: 5)
        let w = Tensor.randn([8, 6], rng: &rng, requiresGrad: true)   // read by two ops: final after the second
        let b = Tensor.randn([8], rng: &rng, requiresGrad: true)
        let unused = Tensor(zeros: [5], requiresGrad: true)           // the loss never reads it
        let buffer = ParameterBuffer([("w", w), ("b", b), ("unused", unused)])
        let x = Tensor.randn([4, 6], rng: &rng)
        func loss() -> Tensor {
            let h = x.linear(weight: w, bias: b).relu()
            let y = h.matmul(w)
            return (y * y).sum()
        }
        buffer.zeroGradients()
        loss().backward()
        let expected = buffer.gradientNorm(), gradients = w.grad!.toArray() + b.grad!.toArray()

        buffer.zeroGradients()
        unused.grad!.data.update(repeating: 0.5, count: 5)   // a gradient the backward leaves as it is
        let norm = buffer.backwardWithGradientNorm(loss())
        XCTAssertEqual(w.grad!.toArray() + b.grad!.toArray(), gradients, "the same backward")
        XCTAssertEqual(norm, (expected * expected + 5 * 0.25).squareRoot(), accuracy: 1e-9 * norm)
        XCTAssertEqual(norm, buffer.gradientNorm(), accuracy: 1e-9 * norm)
    }

    func testScheduleShape() {
        let s = LinearWarmupSchedule(peak: 1, warmupSteps: 4, totalSteps: 12)
        XCTAssertEqual((0...13).map { s.learningRate(at: $0) },
                       [0, 0.25, 0.5, 0.75, 1, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125, 0, 0])
        XCTAssertEqual(LinearWarmupSchedule(peak: 2, warmupSteps: 0, totalSteps: 4).learningRate(at: 0), 2)
    }

    func testClippingLeavesSmallGradientsAlone() {
        let p = Tensor(shape: [2], values: [0, 0], requiresGrad: true)
        let buffer = ParameterBuffer([("w", p)])
        (p * Tensor(shape: [2], values: [3, 4])).sum().backward()
        XCTAssertEqual(buffer.clipGradientNorm(10), 5, accuracy: 1e-12)
        XCTAssertEqual(p.grad?.toArray(), [3, 4])
        XCTAssertEqual(buffer.clipGradientNorm(1), 5, accuracy: 1e-12)
        XCTAssertEqual(p.grad!.toArray()[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(p.grad!.toArray()[1], 0.8, accuracy: 1e-6)
    }
}
