// ClusterBootstrap: a percentile bootstrap interval for a ratio of sums (for example a summed NLL
// difference per target token) over items that come in clusters and are resampled whole: the turns
// of one conversation share its seeker and its persona, so they are not independent draws.
import PythonSemantics

public enum ClusterBootstrap {
    /// The statistic on the data as observed, and the bounds of its interval.
    public struct Interval: Equatable, Sendable {
        public var estimate: Double
        public var low: Double
        public var high: Double
    }

    /// The mean over series (e.g. one per checkpoint) of Σ numerator / Σ denominator, with the
    /// `level` percentile interval of `resamples` bootstrap draws. Each draw takes as many clusters
    /// as there are, with replacement, and uses the same draw for every series, so the series stay
    /// paired. `numerators[s][i]` and `denominators[s][i]` belong to item i of series s, in cluster
    /// `clusters[i]`; every series has every item.
    public static func ratioOfSums(numerators: [[Double]], denominators: [[Double]], clusters: [Int], resamples: Int,
                                   level: Double = 0.95, seed: UInt64) -> Interval {
        precondition(!numerators.isEmpty && numerators.count == denominators.count, "one denominator series per numerator series")
        precondition(numerators.allSatisfy { $0.count == clusters.count } && denominators.allSatisfy { $0.count == clusters.count },
                     "every series has one value per item")
        precondition(resamples >= 1 && level > 0 && level < 1, "at least one resample, and a level in (0, 1)")
        // Per series and cluster: the sums of its items.
        let ids = Array(Set(clusters)).sorted()
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        var clusterNumerators = [[Double]](repeating: [Double](repeating: 0, count: ids.count), count: numerators.count)
        var clusterDenominators = clusterNumerators
        for s in numerators.indices {
            for (i, cluster) in clusters.enumerated() {
                clusterNumerators[s][position[cluster]!] += numerators[s][i]
                clusterDenominators[s][position[cluster]!] += denominators[s][i]
            }
        }
        func statistic(_ counts: [Int]) -> Double {
            var total = 0.0
            for s in numerators.indices {
                var numerator = 0.0, denominator = 0.0
                for (c, k) in counts.enumerated() where k > 0 {
                    numerator += Double(k) * clusterNumerators[s][c]
                    denominator += Double(k) * clusterDenominators[s][c]
                }
                total += numerator / denominator
            }
            return total / Double(numerators.count)
        }
        var rng = PythonRandom(seed: seed)
        var draws: [Double] = []
        draws.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var counts = [Int](repeating: 0, count: ids.count)
            for _ in ids.indices { counts[rng.randbelow(ids.count)] += 1 }
            draws.append(statistic(counts))
        }
        draws.sort()
        let tail = (1 - level) / 2
        let lowIndex = min(resamples - 1, Int((tail * Double(resamples)).rounded(.down)))
        let highIndex = max(0, Int(((1 - tail) * Double(resamples)).rounded(.up)) - 1)
        return Interval(estimate: statistic([Int](repeating: 1, count: ids.count)), low: draws[lowIndex], high: draws[highIndex])
    }
}
