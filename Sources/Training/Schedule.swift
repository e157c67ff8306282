// The learning-rate schedule of HF `get_linear_schedule_with_warmup`: linear warmup from 0 over
// `warmupSteps`, then linear decay to 0 at `totalSteps`. Step k (0-based) trains with lr(k).

public struct LinearWarmupSchedule: Codable, Equatable {
    public var peak: Double
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(peak: Double, warmupSteps: Int, totalSteps: Int) {
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// The learning rate for 0-based optimizer step `step`.
    public func learningRate(at step: Int) -> Double {
        if step < warmupSteps { return peak * (Double(step) / Double(max(1, warmupSteps))) }
        return peak * max(0, Double(totalSteps - step) / Double(max(1, totalSteps - warmupSteps)))
    }
}
