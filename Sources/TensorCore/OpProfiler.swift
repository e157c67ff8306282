// OpProfiler: wall time per op, on when the environment sets PALTRAIN_PROFILE (`PALTRAIN_PROFILE=1
// paltrain bench --workload "train tiny"` prints the table per step, a decoding row per new token).
// Backward closures are timed exactly; a forward op, with gradients on or off, is charged the time
// since the previous op was recorded (its own work, plus any glue code just before it). Off, it costs
// one branch per op.
import Foundation

public enum OpProfiler {
    nonisolated(unsafe) public static var isEnabled = ProcessInfo.processInfo.environment["PALTRAIN_PROFILE"] != nil
    nonisolated(unsafe) static var totals: [String: (seconds: Double, calls: Int)] = [:]
    nonisolated(unsafe) static var lastMark = now()
    /// Whether a `timed` body (a backward closure) is running: the ops it calls are part of its time.
    nonisolated(unsafe) static var inTimedBody = false

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

    /// Charges the time since the last mark to `key` (callers mark their own phases, e.g. the optimizer).
    public static func mark(_ key: String) {
        guard !inTimedBody else { return }
        let t = now()
        add(key, t - lastMark)
        lastMark = t
    }

    static func add(_ key: String, _ seconds: Double) {
        let old = totals[key] ?? (0, 0)
        totals[key] = (old.seconds + seconds, old.calls + 1)
    }

    /// Runs `body`, charging its time to `key` when profiling.
    @inline(__always)
    static func timed(_ key: @autoclosure () -> String, _ body: () -> Void) {
        guard isEnabled else { return body() }
        let start = now()
        inTimedBody = true
        body()
        inTimedBody = false
        add(key(), now() - start)
    }

    /// Forgets what was measured and starts the clock.
    public static func reset() {
        totals = [:]
        lastMark = now()
    }

    /// The `top` most expensive ops as lines of milliseconds and calls per `unit`, of which `steps` ran, with their share.
    public static func report(steps: Int, per unit: String = "step", top: Int = 30) -> String {
        let total = totals.values.map(\.seconds).reduce(0, +)
        let n = Double(max(steps, 1))
        return (["op profile per \(unit) (total \(String(format: "%.2f", total * 1e3 / n)) ms):"] + totals.sorted { $0.value.seconds > $1.value.seconds }.prefix(top).map { key, value in
            String(format: "%8.3f ms %5.1f%% %6.0f calls  %@", value.seconds * 1e3 / n, 100 * value.seconds / max(total, 1e-12), Double(value.calls) / n, key)
        }).joined(separator: "\n")
    }
}
