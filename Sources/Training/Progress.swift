// Progress: a live bar (loss, learning rate, tokens/s, ETA) on a terminal, plain lines every N
// steps otherwise (logs, CI).
import Foundation

final class Progress {
    let total: Int
    let output: (String) -> Void
    let live = isatty(STDOUT_FILENO) != 0

    init(total: Int, output: @escaping (String) -> Void) {
        self.total = total
        self.output = output
    }

    func update(step: Int, loss: Double, lr: Double, tokensPerSecond: Double, logEvery: Int, elapsed: Double, stepsThisRun: Int) {
        let eta = elapsed / Double(max(stepsThisRun, 1)) * Double(total - step)
        let text = String(format: "step %d/%d  loss %.4f  lr %.2e  %.0f tok/s  ETA %@", step, total, loss, lr, tokensPerSecond, Self.clock(eta))
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
