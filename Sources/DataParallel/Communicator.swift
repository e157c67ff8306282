// Communicator: what data-parallel training asks of the processes it runs in — rank and world size,
// in-place sums, broadcast from rank 0, gathering one equal-sized blob from each rank. One process
// is a world of one whose operations do nothing; `MPICommunicator` is the world `mpirun` starts.
import Foundation

public protocol Communicator: AnyObject {
    /// This process's index, 0..<size; rank 0 writes logs and checkpoints.
    var rank: Int { get }
    var size: Int { get }
    /// Replaces `count` floats at `buffer` by their sum over the ranks.
    func sum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws
    /// The element-wise sum of `values` over the ranks (every rank gets the same result).
    func sum(_ values: [Double]) throws -> [Double]
    /// Copies `bytes` bytes at `buffer` from rank `root` to every rank.
    func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) throws
    /// Every rank's `blob` (all of the same length), in rank order.
    func gather(_ blob: [UInt8]) throws -> [[UInt8]]
    /// Ends the world's use of the communication library (call once, after the last operation).
    func finish()
    /// Stops every rank of the world at once (after this rank said why).
    func abort(code: Int32) -> Never
}

extension Communicator {
    public var isRoot: Bool { rank == 0 }

    /// Returns once every rank has called it: an allreduce of one number (MPI may return at once
    /// from an allreduce of none).
    public func barrier() throws { _ = try sum([0]) }

    /// Rank `root`'s `bytes` (of any length) on every rank.
    public func broadcast(_ bytes: [UInt8], root: Int = 0) throws -> [UInt8] {
        var length = [Double(bytes.count)]
        try length.withUnsafeMutableBytes { try broadcast($0.baseAddress!, bytes: $0.count, root: root) }
        var received = rank == root ? bytes : [UInt8](repeating: 0, count: Int(length[0]))
        if !received.isEmpty { try received.withUnsafeMutableBytes { try broadcast($0.baseAddress!, bytes: $0.count, root: root) } }
        return received
    }

    /// Rank `root`'s `count` floats at `buffer` on every rank.
    public func broadcast(_ buffer: UnsafeMutablePointer<Float>, count: Int, root: Int = 0) throws {
        try broadcast(UnsafeMutableRawPointer(buffer), bytes: count * MemoryLayout<Float>.stride, root: root)
    }
}

/// The world of one process: every operation is the identity.
public final class SingleProcess: Communicator {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func sum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {}
    public func sum(_ values: [Double]) -> [Double] { values }
    public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) {}
    public func gather(_ blob: [UInt8]) -> [[UInt8]] { [blob] }
    public func finish() {}
    public func abort(code: Int32) -> Never { exit(code) }
}

/// A collective operation that failed, or another rank's failure seen from this one.
public struct CommunicationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
