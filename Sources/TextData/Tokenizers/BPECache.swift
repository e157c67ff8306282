// BPECache: a thread-safe memo of word → token ids shared by the BPE tokenizers (encoding the same
// words again and again is most of the cost of tokenizing a corpus).
import Foundation

/// A locked dictionary from exact word text to its ids, emptied when it reaches `limit` entries.
final class BPECache: @unchecked Sendable {
    private var storage: [BPEExactString: [Int32]] = [:]
    private let lock = NSLock()
    private let limit: Int

    init(limit: Int = 200_000) { self.limit = limit }

    func ids(for word: BPEExactString) -> [Int32]? {
        lock.lock()
        defer { lock.unlock() }
        return storage[word]
    }

    func store(_ ids: [Int32], for word: BPEExactString) {
        lock.lock()
        defer { lock.unlock() }
        if storage.count >= limit { storage.removeAll(keepingCapacity: true) }
        storage[word] = ids
    }
}
