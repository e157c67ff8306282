// The human evaluation's statistics against scipy and statsmodels (the fixture of
// scripts/make_human_eval_fixtures.py), the Table 4 marks, and the pseudonym's HMAC against RFC 4231.
import Foundation
@testable import HumanEval
import XCTest

final class StatisticsTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Sign: Decodable { var wins: Int; var losses: Int; var p: Double }
        struct Kappa: Decodable { var counts: [[Int]]; var kappa: Double }
        var generator: String
        var sign_test: [Sign]
        var fleiss_kappa: [Kappa]
    }

    private func fixture() throws -> Fixture {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/statistics", withExtension: "json"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    func testSignTestMatchesScipyBinomtest() throws {
        let cases = try fixture().sign_test
        XCTAssertGreaterThanOrEqual(cases.count, 40)
        for c in cases {
            let p = SignTest.pValue(wins: c.wins, losses: c.losses)
            XCTAssertEqual(p, c.p, accuracy: max(1e-12, 1e-9 * c.p), "\(c.wins) wins, \(c.losses) losses")
        }
    }

    func testFleissKappaMatchesStatsmodels() throws {
        for table in try fixture().fleiss_kappa {
            XCTAssertEqual(FleissKappa.kappa(table.counts), table.kappa, accuracy: 1e-12, "\(table.counts.count) items")
        }
        XCTAssertTrue(FleissKappa.kappa([[3, 0], [3, 0]]).isNaN, "one label only: κ is undefined, not 1")
    }

    func testMarksFollowTable4() {
        XCTAssertEqual(SignTest.mark(0.049), "†")
        XCTAssertEqual(SignTest.mark(0.05), "‡")
        XCTAssertEqual(SignTest.mark(0.099), "‡")
        XCTAssertEqual(SignTest.mark(0.1), "")
    }

    /// RFC 4231 test case 2.
    func testPseudonymHMACIsRFC4231() throws {
        let mac = Pseudonymizer.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        XCTAssertEqual(mac.map { String(format: "%02x", $0) }.joined(), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let p = Pseudonymizer(key: Array(repeating: 7, count: 32))
        XCTAssertEqual(try p.pseudonym("  Alice "), try p.pseudonym("alice"), "trimmed and case-folded: the same person resumes")
        XCTAssertNotEqual(try p.pseudonym("alice"), try Pseudonymizer(key: Array(repeating: 8, count: 32)).pseudonym("alice"), "another study, another pseudonym")
        XCTAssertFalse(try p.pseudonym("alice").contains("alice"))
        XCTAssertThrowsError(try p.pseudonym("   "))
        XCTAssertThrowsError(try p.pseudonym(String(repeating: "x", count: 101)))
    }
}
