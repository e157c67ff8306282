// Round trips: what is written is read back bit for bit, in order, with every kind of metadata.
@testable import Checkpoint
import Foundation
import TensorCore
import XCTest

final class CheckpointRoundTripTests: XCTestCase {
    func testEverythingRoundTripsBitExactly() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("full.h5")
        let written = sampleContents()
        try CheckpointFile.write(written, to: url)
        let read = try CheckpointFile.read(from: url)

        assertBitIdentical(read.tensors, written.tensors, "tensors")
        XCTAssertEqual(read.tensors.first { $0.name == "model.encoder.embed_scale" }?.tensor.shape, [])
        XCTAssertEqual(read.tensors.first { $0.name == "model.decoder.empty.matrix" }?.tensor.shape, [3, 0, 2])
        let moments = try XCTUnwrap(read.optimizerMoments, "optimizer moments were written but not read")
        assertBitIdentical(moments.expAvg, written.optimizerMoments!.expAvg, "exp_avg")
        assertBitIdentical(moments.expAvgSq, written.optimizerMoments!.expAvgSq, "exp_avg_sq")
        XCTAssertEqual(read.config, written.config)
        XCTAssertEqual(read.tokenizer, written.tokenizer)
        XCTAssertEqual(read.training, written.training)
        XCTAssertEqual(read.inputLengths, written.inputLengths)
        XCTAssertEqual(read.training?.randomGenerator, RandomGenerator(state: written.training!.rngState))
    }

    func testOrderIsPreservedNotSorted() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("order.h5")
        let names = ["z.last.first", "a.b.c", "model.encoder.layers.10.fc1.weight", "model.encoder.layers.2.fc1.weight", "m"]
        let contents = CheckpointContents(tensors: names.map { ($0, Tensor(shape: [1], values: [1])) },
                                          config: "{}", tokenizer: "{}")
        try CheckpointFile.write(contents, to: url)
        XCTAssertEqual(try CheckpointFile.read(from: url).tensors.map(\.name), names)
    }

    func testAbsentMomentsTrainingStateAndInputLengthsStayAbsent() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("weights-only.h5")
        var written = sampleContents(withMoments: false)
        written.training = nil
        written.inputLengths = nil
        try CheckpointFile.write(written, to: url)
        let read = try CheckpointFile.read(from: url)
        assertBitIdentical(read.tensors, written.tensors, "tensors")
        XCTAssertNil(read.optimizerMoments)
        XCTAssertNil(read.training)
        XCTAssertNil(read.inputLengths)
    }

    func testBestValidationLossRoundTripsWhetherNilOrNot() throws {
        let directory = try makeTemporaryDirectory(self)
        for (i, loss) in [nil, 1.2345678901234567, Double.leastNonzeroMagnitude, Double.infinity].enumerated() {
            let url = directory.appendingPathComponent("loss-\(i).h5")
            let written = sampleContents(bestValidationLoss: loss, withMoments: false)
            try CheckpointFile.write(written, to: url)
            let training = try XCTUnwrap(try CheckpointFile.read(from: url).training)
            XCTAssertEqual(training.bestValidationLoss?.bitPattern, loss?.bitPattern, "loss \(String(describing: loss))")
            XCTAssertEqual(training, written.training)
        }
    }

    func testEmptyAndLargeMetadataStrings() throws {
        let directory = try makeTemporaryDirectory(self)
        // Over HDF5's 64 KiB limit for attributes in the original file format.
        let large = "{\"vocab\": \"" + String(repeating: "añ🤖", count: 40_000) + "\"}"
        for (config, tokenizer) in [("", ""), (large, "{}")] {
            let url = directory.appendingPathComponent("strings-\(config.count).h5")
            try CheckpointFile.write(CheckpointContents(tensors: [], config: config, tokenizer: tokenizer), to: url)
            let read = try CheckpointFile.read(from: url)
            XCTAssertEqual(read.config, config)
            XCTAssertEqual(read.tokenizer, tokenizer)
            XCTAssertTrue(read.tensors.isEmpty)
        }
    }

    func testChunksOfHugeTensorsAreCutAlongLeadingDimensions() {
        XCTAssertEqual(chunkDims([10, 10], maxElements: 1000), [10, 10])
        XCTAssertEqual(chunkDims([10, 10], maxElements: 30), [3, 10])
        XCTAssertEqual(chunkDims([4, 100, 7], maxElements: 50), [1, 7, 7])
        XCTAssertEqual(chunkDims([1], maxElements: 1), [1])
    }
}
