// MPICommunicator: the ranks `mpirun` started, on MPI_COMM_WORLD through the CMPI shim (Open MPI,
// opened at run time). Collectives block; a watchdog thread ends this rank with a message when one
// waits longer than the timeout (a rank died or the network failed), so no rank hangs forever and
// the launcher stops the others. Errors come back as codes (MPI_ERRORS_RETURN) and are thrown.
import CMPI
import Foundation

public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    /// How long one collective may wait for the other ranks before this rank gives up.
    public let timeout: TimeInterval
    private let lock = NSLock()
    /// The collective in progress and when it began (nil between collectives).
    private var inFlight: (operation: String, since: Date)?

    /// Opens libmpi, initialises MPI and starts the watchdog.
    public init(timeout: TimeInterval) throws {
        var error = [CChar](repeating: 0, count: 512)
        guard cmpi_load(&error, error.count) == 0 else { throw CommunicationError(String(cString: error)) }
        var rank: Int32 = 0, size: Int32 = 0
        let code = cmpi_init(&rank, &size)
        guard code == 0 else { throw CommunicationError("MPI_Init failed: \(Self.text(code))") }
        self.rank = Int(rank)
        self.size = Int(size)
        self.timeout = timeout
        let watchdog = Thread { [unowned self] in self.watch() }
        watchdog.name = "paltrain MPI watchdog"
        watchdog.start()
    }

    // Counts above these go in pieces (MPI counts are 32-bit ints).
    private static let floatsPerCall = 1 << 28, bytesPerCall = 1 << 30

    public func sum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {
        for start in stride(from: 0, to: count, by: Self.floatsPerCall) {
            try collective("allreduce of \(count) floats") { cmpi_allreduce_sum_float(buffer + start, Int32(min(Self.floatsPerCall, count - start))) }
        }
    }

    public func sum(_ values: [Double]) throws -> [Double] {
        var result = values
        try result.withUnsafeMutableBufferPointer { b in
            try collective("allreduce of \(b.count) numbers") { cmpi_allreduce_sum_double(b.baseAddress, Int32(b.count)) }
        }
        return result
    }

    public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, root: Int) throws {
        for start in stride(from: 0, to: bytes, by: Self.bytesPerCall) {
            try collective("broadcast of \(bytes) bytes") { cmpi_bcast_bytes(buffer + start, Int32(min(Self.bytesPerCall, bytes - start)), Int32(root)) }
        }
    }

    public func gather(_ blob: [UInt8]) throws -> [[UInt8]] {
        precondition(blob.count < Self.bytesPerCall / max(size, 1), "gather is for small blobs")
        var all = [UInt8](repeating: 0, count: blob.count * size)
        try blob.withUnsafeBytes { send in
            try all.withUnsafeMutableBytes { receive in
                try collective("gather of \(blob.count) bytes") { cmpi_allgather_bytes(send.baseAddress, Int32(blob.count), receive.baseAddress) }
            }
        }
        return (0..<size).map { Array(all[$0 * blob.count..<($0 + 1) * blob.count]) }
    }

    public func finish() { _ = cmpi_finalize() }

    public func abort(code: Int32) -> Never {
        cmpi_abort(code)
        exit(code)
    }

    /// Runs one blocking MPI call under the watchdog's eye.
    private func collective(_ operation: String, _ call: () -> Int32) throws {
        lock.withLock { inFlight = (operation, Date()) }
        let code = call()
        lock.withLock { inFlight = nil }
        guard code == 0 else {
            throw CommunicationError("rank \(rank) of \(size): MPI \(operation) failed: \(Self.text(code)); another rank has probably stopped")
        }
    }

    /// The watchdog: once a second, ends this process when a collective has waited past the timeout.
    private func watch() {
        while true {
            sleep(1)
            guard let (operation, since) = lock.withLock({ inFlight }), Date().timeIntervalSince(since) > timeout else { continue }
            let message = "paltrain: rank \(rank) of \(size) waited \(Int(timeout)) s in an MPI \(operation) for the other ranks: one of them "
                + "stopped or the network between them failed. Exiting so the launcher stops the job; the last checkpoint is intact "
                + "(continue with --resume and the same number of ranks; PALTRAIN_MPI_TIMEOUT sets the wait in seconds).\n"
            FileHandle.standardError.write(Data(message.utf8))
            _exit(1)
        }
    }

    static func text(_ code: Int32) -> String {
        var text = [CChar](repeating: 0, count: 512)
        cmpi_error_string(code, &text, text.count)
        return String(cString: text)
    }
}
