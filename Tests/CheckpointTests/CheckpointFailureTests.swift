// Damaged, foreign, missing and inconsistent checkpoints: each is refused with a message that names
// the file and the problem.
@testable import Checkpoint
import Foundation
import TensorCore
import XCTest

final class CheckpointFailureTests: XCTestCase {
    func testTruncatedCopyIsRejected() throws {
        let directory = try makeTemporaryDirectory(self)
        let original = directory.appendingPathComponent("original.h5")
        try CheckpointFile.write(sampleContents(), to: original)
        let bytes = try Data(contentsOf: original)
        let truncated = directory.appendingPathComponent("truncated.h5")
        try bytes.prefix(bytes.count / 2).write(to: truncated)

        let error = checkpointError { _ = try CheckpointFile.read(from: truncated) }
        guard case .truncatedOrNotHDF5? = error else { return XCTFail("wrong error: \(String(describing: error))") }
        XCTAssertTrue(error!.description.contains(truncated.path), error!.description)
        XCTAssertTrue(error!.description.contains("truncated"), error!.description)
    }

    func testFileThatIsNotHDF5IsRejected() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("notes.h5")
        try Data("these are not the tensors you are looking for\n".utf8).write(to: url)
        let error = checkpointError { _ = try CheckpointFile.read(from: url) }
        guard case .truncatedOrNotHDF5? = error else { return XCTFail("wrong error: \(String(describing: error))") }
        XCTAssertTrue(error!.description.contains(url.path), error!.description)
    }

    func testFlippedByteInTensorDataFailsItsChecksum() throws {
        let directory = try makeTemporaryDirectory(self)
        let url = directory.appendingPathComponent("flipped.h5")
        let marked = "model.decoder.layers.3.fc2.weight"
        // A value pattern that occurs nowhere else in the file.
        let pattern = (0..<64).map { Float(bitPattern: 0x4B1D_0000 | UInt32($0)) }
        var contents = sampleContents()
        contents.tensors.append((marked, Tensor(shape: [8, 8], values: pattern)))
        try CheckpointFile.write(contents, to: url)
        XCTAssertNoThrow(try CheckpointFile.read(from: url), "the undamaged file must read")

        var bytes = try Data(contentsOf: url)
        let needle = Data(pattern.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        let found = try XCTUnwrap(bytes.range(of: needle), "the tensor's bytes are not stored verbatim")
        XCTAssertNil(bytes.range(of: needle, in: found.upperBound..<bytes.endIndex), "pattern found twice")
        let victim = found.lowerBound + 4 * 37 + 1
        bytes[victim] ^= 0x40
        try bytes.write(to: url)

        let error = checkpointError { _ = try CheckpointFile.read(from: url) }
        guard case .corruptTensor(_, _, let name)? = error else {
            return XCTFail("wrong error: \(String(describing: error))")
        }
        XCTAssertEqual(name, marked)
        XCTAssertTrue(error!.description.contains(url.path), error!.description)
        XCTAssertTrue(error!.description.contains(marked), error!.description)
    }

    func testOtherFormatVersionsAreRejectedNamingBothVersions() throws {
        let directory = try makeTemporaryDirectory(self)
        for version in [2, 0] {
            let url = directory.appendingPathComponent("v\(version).h5")
            try CheckpointFile.write(sampleContents(), to: url, formatVersion: version)
            let error = checkpointError { _ = try CheckpointFile.read(from: url) }
            guard case .unsupportedFormatVersion(_, let found, let supported)? = error else {
                return XCTFail("wrong error: \(String(describing: error))")
            }
            XCTAssertEqual(found, version)
            XCTAssertEqual(supported, 1)
            XCTAssertTrue(error!.description.contains("written by format version \(version), this paltrain reads version 1"),
                          error!.description)
            XCTAssertTrue(error!.description.contains(url.path), error!.description)
        }
    }

    func testMissingFileGivesAClearError() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("never-written.h5")
        let error = checkpointError { _ = try CheckpointFile.read(from: url) }
        guard case .fileNotFound(let path)? = error else { return XCTFail("wrong error: \(String(describing: error))") }
        XCTAssertEqual(path, url.path)
        XCTAssertTrue(error!.description.contains(url.path) && error!.description.contains("does not exist"),
                      error!.description)
    }

    func testInconsistentContentsAreRefusedListingEveryProblem() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("bad.h5")
        let t = Tensor(shape: [2], values: [1, 2])
        let contents = CheckpointContents(
            tensors: [("a.weight", t), ("a.weight", t), ("b/weight", t), ("", t)],
            optimizerMoments: OptimizerMoments(expAvg: [("a.weight", Tensor(zeros: [3])), ("ghost", t)],
                                               expAvgSq: [("a.weight", t)]),
            config: "{}", tokenizer: "{}")
        let error = checkpointError { try CheckpointFile.write(contents, to: url) }
        guard case .invalidContents(_, let problems)? = error else {
            return XCTFail("wrong error: \(String(describing: error))")
        }
        let text = problems.joined(separator: "\n")
        for expected in ["repeated tensor names [\"a.weight\"]", "\"b/weight\"", "must name the same parameters in the same order",
                         "[\"ghost\"]", "expected [2], found [3]"] {
            XCTAssertTrue(text.contains(expected), "missing \(expected) in:\n\(text)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), "nothing may be written")
    }
}
