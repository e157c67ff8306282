// ClusterBootstrap: clusters are resampled whole, series share their draws, the percentile bounds
// fall where the draws' distribution puts them, and a fixed seed gives a fixed interval.
import Evaluation
import XCTest

final class ClusterBootstrapTests: XCTestCase {
    /// Cluster A holds two items (1/1 each), cluster B one (3/1). Resampling two clusters gives AA
    /// (4/4 = 1), AB (5/3) or BB (3/1 = 3) with chances 1/4, 1/2, 1/4; resampling items instead would
    /// also give ratios such as 7/3.
    func testClustersAreResampledWholeAndBoundsAreDrawPercentiles() {
        let numerators = [[1.0, 1, 3]], denominators = [[1.0, 1, 1]], clusters = [7, 7, 2]
        let wide = ClusterBootstrap.ratioOfSums(numerators: numerators, denominators: denominators, clusters: clusters, resamples: 4000, seed: 1)
        XCTAssertEqual(wide.estimate, 5.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(wide.low, 1, accuracy: 1e-12)
        XCTAssertEqual(wide.high, 3, accuracy: 1e-12)
        let narrow = ClusterBootstrap.ratioOfSums(numerators: numerators, denominators: denominators, clusters: clusters, resamples: 4000,
                                                  level: 0.4, seed: 1)
        XCTAssertEqual(narrow.low, 5.0 / 3, accuracy: 1e-12, "the 30th percentile falls inside AB's half")
        XCTAssertEqual(narrow.high, 5.0 / 3, accuracy: 1e-12, "and so does the 70th")
    }

    func testAConstantRatioHasNoSpreadAndSeriesAreAveraged() {
        let tokens = [[4.0, 2, 6, 3]], clusters = [0, 0, 1, 2]
        let constant = ClusterBootstrap.ratioOfSums(numerators: [tokens[0].map { 0.25 * $0 }], denominators: tokens, clusters: clusters,
                                                    resamples: 500, seed: 3)
        XCTAssertEqual(constant.estimate, 0.25, accuracy: 1e-12)
        XCTAssertEqual(constant.low, 0.25, accuracy: 1e-12)
        XCTAssertEqual(constant.high, 0.25, accuracy: 1e-12)
        // Two series whose ratios are 0.25 and 0.75 everywhere: every draw's mean is 0.5.
        let pooled = ClusterBootstrap.ratioOfSums(numerators: [tokens[0].map { 0.25 * $0 }, tokens[0].map { 0.75 * $0 }],
                                                  denominators: tokens + tokens, clusters: clusters, resamples: 500, seed: 3)
        XCTAssertEqual(pooled.estimate, 0.5, accuracy: 1e-12)
        XCTAssertEqual(pooled.low, 0.5, accuracy: 1e-12)
        XCTAssertEqual(pooled.high, 0.5, accuracy: 1e-12)
    }

    func testSymmetricDifferencesGiveAnIntervalAroundZeroThatTheSeedFixes() {
        // 40 conversations of 3 items; half lean +1 per token, half −1.
        let clusters = (0..<120).map { $0 / 3 }
        let numerators = [clusters.map { $0 % 2 == 0 ? 1.0 : -1.0 }], denominators = [[Double](repeating: 1, count: 120)]
        let a = ClusterBootstrap.ratioOfSums(numerators: numerators, denominators: denominators, clusters: clusters, resamples: 2000, seed: 9)
        XCTAssertEqual(a.estimate, 0, accuracy: 1e-12)
        XCTAssertLessThan(a.low, 0)
        XCTAssertGreaterThan(a.high, 0)
        // About ±1.96 · 1/√40 ≈ ±0.31.
        XCTAssertEqual(a.high, 0.31, accuracy: 0.08)
        XCTAssertEqual(a.low, -0.31, accuracy: 0.08)
        // Values spread enough that the percentiles move with the draws: one seed, one interval.
        let spread = [(0..<120).map { Double(($0 * 7919) % 101) / 50 - 1 }]
        let b = ClusterBootstrap.ratioOfSums(numerators: spread, denominators: denominators, clusters: clusters, resamples: 2000, seed: 9)
        XCTAssertEqual(ClusterBootstrap.ratioOfSums(numerators: spread, denominators: denominators, clusters: clusters, resamples: 2000, seed: 9), b)
        XCTAssertNotEqual(ClusterBootstrap.ratioOfSums(numerators: spread, denominators: denominators, clusters: clusters, resamples: 2000, seed: 10), b)
    }
}
