// Central finite-difference gradient checks: compares every analytic gradient that backward()
// produces with (L(x + ε) − L(x − ε)) / 2ε, where L projects the op's output onto fixed random
// weights so that every output element matters. Sums are taken in Double to keep float noise down.
import TensorCore

/// The worst disagreement found by `gradientCheck`.
public struct GradientCheckResult: CustomStringConvertible {
    /// Largest |analytic − numeric| / max(1, |numeric|) over all checked elements.
    public var maxError: Float
    /// Where it occurred: input index and flat element index.
    public var worstInput: Int
    public var worstElement: Int
    public var analytic: Float
    public var numeric: Float
    public var elementsChecked: Int

    public var description: String {
        "max error \(maxError) at input \(worstInput)[\(worstElement)] (analytic \(analytic), numeric \(numeric)), \(elementsChecked) elements"
    }
}

/// Record of the largest gradient-check error seen in this process, so a test run can report it.
public enum GradientCheckLog {
    nonisolated(unsafe) public private(set) static var largestError: Float = 0
    static func note(_ e: Float) { largestError = max(largestError, e) }
}

/// Checks the gradients of `f` with respect to every input with `requiresGrad`.
/// `f` must be deterministic (re-seed any generator inside it).
public func gradientCheck(_ inputs: [Tensor], epsilon: Float = 1e-2, seed: UInt64 = 99,
                          _ f: ([Tensor]) -> Tensor) -> GradientCheckResult {
    let probe = withNoGrad { f(inputs) }
    var rng = RandomGenerator(seed: seed)
    let weights = Tensor.uniform(probe.shape, low: -1, high: 1, rng: &rng)

    for x in inputs { x.zeroGrad() }
    (f(inputs) * weights).sum().backward()

    func projected() -> Double {
        let y = withNoGrad { f(inputs) }
        var acc: Double = 0
        for i in 0..<y.count { acc += Double(y.data[i]) * Double(weights.data[i]) }
        return acc
    }

    var result = GradientCheckResult(maxError: 0, worstInput: -1, worstElement: -1, analytic: 0, numeric: 0, elementsChecked: 0)
    for (k, x) in inputs.enumerated() where x.requiresGrad {
        let analytic = x.grad?.toArray() ?? [Float](repeating: 0, count: x.count)
        for i in 0..<x.count {
            let saved = x.data[i]
            x.data[i] = saved + epsilon
            let plus = projected()
            x.data[i] = saved - epsilon
            let minus = projected()
            x.data[i] = saved
            let numeric = Float((plus - minus) / (2 * Double(epsilon)))
            let error = abs(analytic[i] - numeric) / max(1, abs(numeric))
            result.elementsChecked += 1
            if error >= result.maxError {
                result = GradientCheckResult(maxError: error, worstInput: k, worstElement: i, analytic: analytic[i],
                                             numeric: numeric, elementsChecked: result.elementsChecked)
            }
        }
        x.zeroGrad()
    }
    GradientCheckLog.note(result.maxError)
    return result
}
