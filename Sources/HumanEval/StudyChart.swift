// StudyChart: one aspect's judgements as an SVG bar chart — a stacked bar per model pair (first
// model wins, ties, second model wins, as percentages), the sign test's p-value and mark beside it.
import Foundation

enum StudyChart {
    static let colours = (win: "#3f8f5a", tie: "#b4b4b4", lose: "#c0504d")

    static func svg(aspect: Aspect, pairs: [StudyTally]) -> String {
        let width = 760, left = 220, bar = 400, row = 46, top = 64
        let height = top + row * pairs.count + 24
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="13">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="22" font-size="16" font-weight="bold">\(escape(aspect.title)): win / tie / lose of the first model</text>

            """
        for (k, (label, colour)) in [("first model wins", colours.win), ("tie", colours.tie), ("second model wins", colours.lose)].enumerated() {
            let x = left + k * 140
            out += "<rect x=\"\(x)\" y=\"34\" width=\"12\" height=\"12\" fill=\"\(colour)\"/><text x=\"\(x + 17)\" y=\"45\">\(label)</text>\n"
        }
        for (i, tally) in pairs.enumerated() {
            let c = tally.count(aspect), y = top + i * row
            out += "<text x=\"\(left - 8)\" y=\"\(y + 20)\" text-anchor=\"end\">\(escape(tally.pair[0])) vs \(escape(tally.pair[1]))</text>\n"
            var x = Double(left)
            for (n, colour) in [(c.win, colours.win), (c.tie, colours.tie), (c.lose, colours.lose)] {
                let w = c.total == 0 ? 0 : Double(bar) * Double(n) / Double(c.total)
                out += "<rect x=\"\(String(format: "%.1f", x))\" y=\"\(y + 4)\" width=\"\(String(format: "%.1f", w))\" height=\"26\" fill=\"\(colour)\"/>\n"
                if w >= 34 {
                    out += "<text x=\"\(String(format: "%.1f", x + w / 2))\" y=\"\(y + 22)\" text-anchor=\"middle\" fill=\"white\">\(String(format: "%.0f", c.percent(n)))%</text>\n"
                }
                x += w
            }
            if c.total == 0 { out += "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(bar)\" height=\"26\" fill=\"none\" stroke=\"#ccc\"/>\n" }
            out += "<text x=\"\(left + bar + 8)\" y=\"\(y + 22)\">n = \(c.total), p = \(StudyReport.format(c.p))\(SignTest.mark(c.p))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// `text` safe inside SVG text.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
