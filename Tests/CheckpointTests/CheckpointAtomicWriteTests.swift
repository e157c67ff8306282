// Atomic replacement: overwriting a checkpoint swaps in the new file and leaves no temporary files,
// and a failed write removes its temporary file and keeps what was there.
import Checkpoint
import Foundation
import TensorCore
import XCTest

final class CheckpointAtomicWriteTests: XCTestCase {
    func testOverwritingReplacesTheFileAndLeavesNoTemporaries() throws {
        let directory = try makeTemporaryDirectory(self)
        let url = directory.appendingPathComponent("latest.h5")
        try CheckpointFile.write(sampleContents(seed: 1), to: url)
        let second = sampleContents(seed: 2, bestValidationLoss: nil)
        try CheckpointFile.write(second, to: url)

        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["latest.h5"])
        let read = try CheckpointFile.read(from: url)
        assertBitIdentical(read.tensors, second.tensors, "tensors")
        XCTAssertEqual(read.training, second.training)
    }

    func testFailedReplaceRemovesItsTemporaryFile() throws {
        let directory = try makeTemporaryDirectory(self)
        // A non-empty directory where the checkpoint should go: the final rename must fail.
        let url = directory.appendingPathComponent("blocked.h5")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: url.appendingPathComponent("inside.txt"))

        let error = checkpointError { try CheckpointFile.write(sampleContents(), to: url) }
        guard case .writeFailed? = error else { return XCTFail("wrong error: \(String(describing: error))") }
        XCTAssertTrue(error!.description.contains(url.path), error!.description)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["blocked.h5"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url.path), ["inside.txt"])
    }

    func testWritingIntoAMissingDirectoryFailsClearly() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("no/such/dir/ckpt.h5")
        let error = checkpointError { try CheckpointFile.write(sampleContents(), to: url) }
        guard case .writeFailed? = error else { return XCTFail("wrong error: \(String(describing: error))") }
        XCTAssertTrue(error!.description.contains("does not exist"), error!.description)
    }

    /// A killed writer's temporary file goes; one whose writer still runs (pid 1) stays, and so does
    /// everything that is not a checkpoint's temporary file.
    func testStaleTemporariesOfDeadWritersAreRemoved() throws {
        let directory = try makeTemporaryDirectory(self)
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let names = [".last.h5.tmp-\(dead.processIdentifier)", ".best.h5.tmp-\(getpid())", ".best.h5.tmp-1", "notes.tmp-3", "last.h5"]
        for name in names { XCTAssertTrue(FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: Data())) }
        XCTAssertEqual(CheckpointFile.removeStaleTemporaries(in: directory), [".best.h5.tmp-\(getpid())", ".last.h5.tmp-\(dead.processIdentifier)"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), [".best.h5.tmp-1", "last.h5", "notes.tmp-3"])
    }
}
