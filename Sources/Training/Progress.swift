// Progress: a live bar (loss, learning rate, tokens/s, ETA, and the ranks of a data-parallel run) on
// a terminal, plain lines every N steps otherwise (logs, CI); nothing where it is not shown (ranks > 0).
import Foundation

final class Progress {
    let total: Int
    let ranks: Int
    let output: (String) -> Void
    let shown: Bool
    let live: Bool

    init(total: Int, ranks: Int = 1, output: @escaping (String) -> Void, shown: Bool = true) {
        self.total = total
        self.ranks = ranks
        self.output = output
        self.shown = shown
        live = shown && ranks == 1 && isatty(STDOUT_FILENO) != 0   // mpirun gives ranks a terminal even when its output is a file
    }

    func update(step: Int, loss: Double, lr: Double, tokensPerSecond: Double, logEvery: Int, elapsed: Double, stepsThisRun: Int) {
        guard shown else { return }
        let eta = elapsed / Double(max(stepsThisRun, 1)) * Double(total - step)
        let text = String(format: "step %d/%d  loss %.4f  lr %.2e  %.0f tok/s  ETA %@", step, total, loss, lr, tokensPerSecond, Self.clock(eta))
            + (ranks > 1 ? "  (\(ranks) ranks)" : "")
        if live {
            let width = 24, done = width * step / max(total, 1)
            FileHandle.standardOutput.write(Data(("\r[" + String(repeating: "#", count: done) + String(repeating: ".", count: width - done) + "] " + text).utf8))
        } else if step % max(logEvery, 1) == 0 || step == total {
            output(text)
        }
    }

    func finish() { if live { output("") } }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
