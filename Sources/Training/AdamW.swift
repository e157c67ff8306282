// AdamW exactly as torch.optim.AdamW (single-tensor path, float32 state): decoupled weight decay
// p ← p·(1 − lr·λ), then m ← m + (1 − β₁)(g − m), v ← β₂v + (1 − β₂)g², and
// p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε). Scalars are formed in Double and rounded
// to Float where PyTorch does, so a trajectory matches PyTorch's to float rounding.
import CKernels
import Foundation
import TensorCore

public struct AdamWConfig: Codable, Equatable {
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var eps: Double = 1e-8
    public var weightDecay: Double = 0

    public init(beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }
}

public final class AdamW {
    public let parameters: ParameterBuffer
    public var config: AdamWConfig
    /// Per parameter: whether weight decay applies (by default: not for biases and layer norms).
    public let decays: [Bool]
    /// Steps taken so far (t in the bias corrections).
    public internal(set) var stepCount = 0
    /// First and second moments, laid out like the parameters.
    public let exponentialAverage: Storage
    public let exponentialAverageSquared: Storage

    /// `decays(name)` chooses the weight-decay group; the default is a recipe's default `no_decay`.
    public init(_ parameters: ParameterBuffer, config: AdamWConfig,
                decays: (String) -> Bool = TrainingSettings().decays) {
        self.parameters = parameters
        self.config = config
        self.decays = parameters.names.map(decays)
        exponentialAverage = Storage(zeroedCount: parameters.count)
        exponentialAverageSquared = Storage(zeroedCount: parameters.count)
    }

    /// One update with learning rate `lr`, from the gradients in `parameters` times `gradientScale`
    /// (`ParameterBuffer.clipCoefficient`: clipping folded into the update, which reads the gradients
    /// once instead of scaling them in a pass of its own), which it leaves zeroed.
    public func step(lr: Double, gradientScale: Float = 1) {
        stepCount += 1
        let t = Double(stepCount)
        let stepSize = Float(lr / (1 - Foundation.pow(config.beta1, t)))
        let correction2 = Float((1 - Foundation.pow(config.beta2, t)).squareRoot())
        let w1 = Float(1 - config.beta1), b2 = Float(config.beta2), w2 = Float(1 - config.beta2)
        let eps = Float(config.eps), decay = Float(1 - lr * config.weightDecay)
        let p = parameters.values.base, g = parameters.gradients.base
        let m = exponentialAverage.base, v = exponentialAverageSquared.base
        let ranges = parameters.ranges, decays = decays, decayOn = config.weightDecay != 0
        // One pass over the flat buffers, split across cores; each chunk walks the parameters it overlaps.
        parallelChunks(parameters.count, grain: elementwiseGrain) { _, chunk in
            var k = ranges.firstIndex { $0.upperBound > chunk.lowerBound } ?? ranges.count
            while k < ranges.count && ranges[k].lowerBound < chunk.upperBound {
                let start = max(ranges[k].lowerBound, chunk.lowerBound), end = min(ranges[k].upperBound, chunk.upperBound)
                ck_adamw(p + start, g + start, m + start, v + start, end - start, gradientScale, decays[k] && decayOn ? decay : 1,
                         w1, b2, w2, stepSize, correction2, eps)
                k += 1
            }
        }
        parameters.gradientsClearedByOptimizer = true
    }
}
