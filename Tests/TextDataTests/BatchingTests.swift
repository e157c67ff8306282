// Batching: the bucket sampler's order and drop accounting, and collation with masks, shifted
// decoder inputs and PAL's common padding length.
import TextData
import XCTest

final class BatchingTests: XCTestCase {
    private func example(input: Int, persona: Int, target: Int, strategy: Strategy = .question) -> EncodedExample {
        let labels = (0..<target).map { Int32(100 + $0) }
        return EncodedExample(inputIds: (0..<input).map { Int32(10 + $0) }, personaIds: (0..<persona).map { Int32(50 + $0) },
                              decoderInputIds: [1] + labels.dropLast(), labels: labels, strategy: strategy, conversation: 0, turn: 1)
    }

    func testCollatePadsToCommonLengthWithMasks() {
        let examples = [example(input: 3, persona: 5, target: 2), example(input: 4, persona: 1, target: 3, strategy: .others)]
        let b = Batcher.collate(examples, indices: [0, 1], padId: 0)
        XCTAssertEqual(b.inputLength, 5, "common length = max over the batch of max(dialogue, persona)")
        XCTAssertEqual(b.personaLength, 5)
        XCTAssertEqual(b.inputIds, [10, 11, 12, 0, 0, 10, 11, 12, 13, 0])
        XCTAssertEqual(b.attentionMask, [1, 1, 1, 0, 0, 1, 1, 1, 1, 0])
        XCTAssertEqual(b.personaIds, [50, 51, 52, 53, 54, 50, 0, 0, 0, 0])
        XCTAssertEqual(b.personaMask, [1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
        XCTAssertEqual(b.decoderInputIds, [1, 100, 0, 1, 100, 101])
        XCTAssertEqual(b.labels, [100, 101, -100, 100, 101, 102])
        XCTAssertEqual(b.strategies, [0, 7])
        XCTAssertEqual(b.targetTokenCount, 5)

        let separate = Batcher.collate(examples, indices: [0, 1], padId: 0, personaPadding: .separate)
        XCTAssertEqual([separate.inputLength, separate.personaLength], [4, 5])
        let joint = Batcher.collate([example(input: 2, persona: 0, target: 1)], indices: [0], padId: 0)
        XCTAssertEqual([joint.inputLength, joint.personaLength], [2, 0])
        XCTAssertTrue(joint.personaIds.isEmpty)
    }

    func testBucketedBatchesCoverEveryExampleOnceAndAreSeeded() {
        let lengths = (0..<1037).map { ($0 * 7919) % 301 }
        let (batches, dropped) = Batcher.bucketed(lengths: lengths, batchSize: 4, bucketBatches: 10, seed: 13, epoch: 0)
        XCTAssertEqual(dropped, 0)
        XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<1037))
        XCTAssertEqual(batches.filter { $0.count < 4 }.count, 1, "buckets of 40 split into full batches; only the last bucket (37) leaves one short")
        for batch in batches { XCTAssertEqual(batch.map { lengths[$0] }, batch.map { lengths[$0] }.sorted(by: >), "sorted within a bucket") }
        XCTAssertEqual(Batcher.bucketed(lengths: lengths, batchSize: 4, bucketBatches: 10, seed: 13, epoch: 0).batches, batches)
        XCTAssertNotEqual(Batcher.bucketed(lengths: lengths, batchSize: 4, bucketBatches: 10, seed: 13, epoch: 1).batches, batches,
                          "each epoch has its own order")
        let strict = Batcher.bucketed(lengths: lengths, batchSize: 4, bucketBatches: 10, seed: 13, epoch: 0, dropIncomplete: true)
        XCTAssertEqual(strict.dropped, 1037 - strict.batches.count * 4)
        XCTAssertTrue(strict.batches.allSatisfy { $0.count == 4 })
    }

    func testSequentialBatches() {
        XCTAssertEqual(Batcher.sequential(count: 5, batchSize: 2), [[0, 1], [2, 3], [4]])
    }
}
