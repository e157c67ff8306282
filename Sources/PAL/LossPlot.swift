// LossPlot: the training and validation loss curves of a run (log.jsonl) as an SVG: raw training
// loss faint, its moving average bold, validation loss as marked points.
import Foundation
import TextData

public enum LossPlot {
    /// What `write` did: the SVG it wrote and the 1-based numbers of the log lines it could not read.
    public struct Written {
        public var url: URL
        public var unreadableLines: [Int]

        /// A line for the user: what was written, and the lines left out, if any.
        public var summary: String {
            "wrote \(url.path)" + (unreadableLines.isEmpty ? "" : "; left out \(unreadableLines.count) log line(s) that are not a JSON object "
                + "with a step and a loss (line\(unreadableLines.count == 1 ? "" : "s") \(unreadableLines.prefix(5).map(String.init).joined(separator: ", "))"
                + (unreadableLines.count > 5 ? ", …" : "") + ")")
        }
    }

    /// Reads `<run>/log.jsonl` and writes `<run>/loss.svg`.
    @discardableResult
    public static func write(run: URL) throws -> Written {
        let log = run.appendingPathComponent("log.jsonl")
        var train: [(Double, Double)] = [], valid: [(Double, Double)] = [], unreadable: [Int] = []
        for (index, line) in TextLines.split(try TextLines.text(of: log)).enumerated() where !line.allSatisfy(\.isWhitespace) {
            let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let step = o?["step"] as? Double, loss = o?["loss"] as? Double, validLoss = o?["valid_loss"] as? Double
            guard let step, loss != nil || validLoss != nil else {
                unreadable.append(index + 1)
                continue
            }
            if let loss { train.append((step, loss)) }
            if let validLoss { valid.append((step, validLoss)) }
        }
        let url = run.appendingPathComponent("loss.svg")
        try FileAccess.write(svg(train: train, valid: valid, title: run.lastPathComponent), to: url)
        return Written(url: url, unreadableLines: unreadable)
    }

    static func svg(train: [(Double, Double)], valid: [(Double, Double)], title: String) -> String {
        let (w, h, left, right, top, bottom) = (800.0, 480.0, 70.0, 20.0, 40.0, 50.0)
        let all = train + valid
        let maxStep = max(all.map(\.0).max() ?? 1, 1)
        let lo = (all.map(\.1).min() ?? 0), hi = (all.map(\.1).max() ?? 1)
        let pad = max((hi - lo) * 0.05, 1e-3), yMin = max(0, lo - pad), yMax = hi + pad
        func x(_ s: Double) -> Double { left + (w - left - right) * s / maxStep }
        func y(_ v: Double) -> Double { top + (h - top - bottom) * (1 - (v - yMin) / (yMax - yMin)) }
        func path(_ points: [(Double, Double)]) -> String {
            points.enumerated().map { String(format: "%@%.1f,%.1f", $0.offset == 0 ? "M" : " L", x($0.element.0), y($0.element.1)) }.joined()
        }
        let window = max(1, train.count / 50)
        let smooth = train.indices.map { i -> (Double, Double) in
            let slice = train[max(0, i - window + 1)...i]
            return (train[i].0, slice.map(\.1).reduce(0, +) / Double(slice.count))
        }
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Int(w / 2))" y="22" text-anchor="middle" font-size="15">\(title): loss</text>

        """
        for i in 0...5 {
            let v = yMin + (yMax - yMin) * Double(i) / 5, s = maxStep * Double(i) / 5
            out += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", left, y(v), w - right, y(v))
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n", left - 6, y(v) + 4, v)
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n", x(s), h - bottom + 18, Int(s))
        }
        out += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">step</text>\n", (left + w - right) / 2, h - 10)
        out += "<path d=\"\(path(train))\" fill=\"none\" stroke=\"#9ecae1\" stroke-width=\"1\"/>\n"
        out += "<path d=\"\(path(smooth))\" fill=\"none\" stroke=\"#3182bd\" stroke-width=\"2\"/>\n"
        out += "<path d=\"\(path(valid))\" fill=\"none\" stroke=\"#e6550d\" stroke-width=\"2\"/>\n"
        for p in valid { out += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#e6550d\"/>\n", x(p.0), y(p.1)) }
        out += """
        <rect x="\(Int(w - 230))" y="48" width="200" height="48" fill="white" stroke="#ccc"/>
        <line x1="\(Int(w - 220))" y1="64" x2="\(Int(w - 195))" y2="64" stroke="#3182bd" stroke-width="2"/>
        <text x="\(Int(w - 188))" y="68">training loss (moving average)</text>
        <line x1="\(Int(w - 220))" y1="84" x2="\(Int(w - 195))" y2="84" stroke="#e6550d" stroke-width="2"/>
        <text x="\(Int(w - 188))" y="88">validation loss</text>
        </svg>

        """
        return out
    }
}
