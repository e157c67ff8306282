// StrategyAccuracy: accuracy of the predicted support strategy (PAL's codes/infer.py: `acc`, and the
// top-n accuracy over ranked predictions).

/// Strategy-prediction accuracy.
public enum StrategyAccuracy {
    /// `np.mean(labels == predictions)`; NaN for no example (numpy's mean of nothing).
    public static func accuracy(labels: [Int], predictions: [Int]) -> Double {
        precondition(labels.count == predictions.count, "one prediction per label")
        guard !labels.isEmpty else { return .nan }
        return Double(zip(labels, predictions).filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// Fraction of examples whose label is among its ranked predictions (PAL's `acc_top1`/`acc_top3`:
    /// `np.mean(np.sum(labels[:, None] - top_n == 0, -1) != 0)`).
    public static func topNAccuracy(labels: [Int], rankedPredictions: [[Int]]) -> Double {
        precondition(labels.count == rankedPredictions.count, "one ranked list per label")
        guard !labels.isEmpty else { return .nan }
        return Double(zip(labels, rankedPredictions).filter { $1.contains($0) }.count) / Double(labels.count)
    }
}
