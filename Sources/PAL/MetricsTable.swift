// The columns `eval` and `metrics` share — the text metrics of a ResponseMetrics report under the
// paper's column names — and the markdown table both print.
import Evaluation
import Foundation

public enum MetricsTable {
    /// B-1…B-4, D-1, D-2 (exact count, or the reference's with `referenceDistinct`), E-1, E-2, R-L,
    /// and Cos-Sim when measured; all ×100 except Cos-Sim.
    public static func textColumns(_ report: ResponseMetrics.Report, referenceDistinct: Bool, cosine: Double?) -> [String: Double] {
        let distinct = referenceDistinct ? report.distinctReference : report.distinct
        var columns = ["B-1": report.bleu[0], "B-2": report.bleu[1], "B-3": report.bleu[2], "B-4": report.bleu[3],
                       "D-1": distinct[0], "D-2": distinct[1], "E-1": report.ead[0], "E-2": report.ead[1], "R-L": report.rougeL]
        if let cosine { columns["Cos-Sim"] = cosine }
        return columns
    }

    /// A markdown table: `header` then one line per row of cells.
    public static func markdown(header: [String], rows: [[String]]) -> String {
        let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max()! }
        func line(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |"
        }
        return ([line(header), "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"] + rows.map(line))
            .joined(separator: "\n")
    }

    /// A setting's number as written in a recipe or on the command line (0.075, 0.5, 0).
    public static func number(_ value: Float) -> String { String(format: "%g", Double(value)) }

    /// A value as the paper prints it: Cos-Sim with 3 decimals, the rest with 2; n/a when missing.
    public static func cell(_ column: String, _ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return String(format: column == "Cos-Sim" ? "%.3f" : "%.2f", value)
    }
}
