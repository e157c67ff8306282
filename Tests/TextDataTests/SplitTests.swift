// PAL's split, reproduced by reimplementing CPython's random: checked against numbers CPython prints
// and against esconv/DERIVED_split_index.json, computed independently from the released files.
import Foundation
import PythonSemantics
import TextData
import XCTest

final class SplitTests: XCTestCase {
    func testPythonRandomMatchesCPython() {
        // python3 -c "import random; r=random.Random(13); print([r.getrandbits(32) for _ in range(3)])"
        var r = PythonRandom(seed: 13)
        XCTAssertEqual((0..<3).map { _ in r.nextUInt32() }, [1_112_433_019, 1_248_794_762, 2_943_160_652])
        // r=random.Random(13); x=list(range(10)); r.shuffle(x); print(x)
        XCTAssertEqual(DataSplit.shuffledIndices(count: 10, seed: 13), [3, 0, 7, 8, 6, 1, 5, 2, 9, 4])
        // a seed wider than 32 bits: random.Random(2**40+7)
        XCTAssertEqual(DataSplit.shuffledIndices(count: 6, seed: (1 << 40) + 7), [2, 0, 1, 3, 5, 4])
    }

    private func derivedIndex() throws -> [String: Any] {
        let data = try Data(contentsOf: TestData.file("esconv/DERIVED_split_index.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testHuggingFaceFilesMapBackToESConvOrder() throws {
        let original = try XCTUnwrap(derivedIndex()["original_esconv_index"] as? [String: [Int]])
        let ours = HuggingFaceESConvOrder.originalIndices()
        XCTAssertEqual(ours.train, original["train"])
        XCTAssertEqual(ours.valid, original["valid"])
        XCTAssertEqual(ours.test, original["test"])
    }

    func testDefaultSplitIsThePapersSplit() throws {
        let pal = try XCTUnwrap(derivedIndex()["pal_split"] as? [String: [[Any]]])
        // Where each original conversation sits in the HF files.
        let index = HuggingFaceESConvOrder.originalIndices()
        var location: [Int: String] = [:]
        for (part, rows) in [("train", index.train), ("valid", index.valid), ("test", index.test)] {
            for (row, original) in rows.enumerated() { location[original] = "\(part):\(row)" }
        }
        let split = DataSplit.pal(count: 1300)
        XCTAssertEqual([split.train.count, split.valid.count, split.test.count], [910, 260, 130])
        for (name, ours) in [("train", split.train), ("valid", split.valid), ("test", split.test)] {
            let theirs = try XCTUnwrap(pal[name]).map { "\($0[0]):\($0[1])" }
            XCTAssertEqual(ours.map { location[$0]! }, theirs, "PAL \(name) differs")
        }
        print("default split: train \(split.train.count), valid \(split.valid.count), test \(split.test.count) — the paper's, in its order")
    }

    func testOtherSeedsGiveOtherReproducibleSplits() {
        let a = DataSplit.pal(count: 1300, seed: 7), b = DataSplit.pal(count: 1300, seed: 7)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(Set(a.test), Set(DataSplit.pal(count: 1300).test))
        XCTAssertEqual(Set(a.train + a.valid + a.test), Set(0..<1300), "a partition of all conversations")
    }
}
