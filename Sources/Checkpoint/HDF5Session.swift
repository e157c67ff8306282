// HDF5Session: the one door to the HDF5 C library. Serial HDF5 is not thread-safe, so every use
// goes through `HDF5Session.run`, which holds a lock, silences HDF5's own error printing and turns
// failed calls into `HDF5Failure`s carrying HDF5's innermost error message.
import CHDF5
import Foundation

/// `H5P_DEFAULT` (default property list), which Swift imports as an `Int32` rather than a `hid_t`.
let hdf5Default = hid_t(H5P_DEFAULT)
/// `H5E_DEFAULT` (the current error stack), likewise.
let hdf5DefaultErrorStack = hid_t(H5E_DEFAULT)

/// A failed HDF5 call: what we were doing, and the messages on HDF5's error stack (outermost first).
struct HDF5Failure: Error {
    var what: String
    var stack: [String]

    /// HDF5's most specific message (the innermost on the stack).
    var detail: String { stack.last ?? "no HDF5 error message" }
    /// Whether HDF5 reported a checksum (Fletcher32) mismatch somewhere on the stack.
    var isChecksumError: Bool {
        stack.contains { $0.localizedCaseInsensitiveContains("fletcher32") || $0.localizedCaseInsensitiveContains("checksum") }
    }
}

enum HDF5Session {
    private static let lock = NSLock()

    /// At exit HDF5 closes every file it still holds; one whose close failed (a full disk) is
    /// flushed again there and crashes inside the library. paltrain closes, syncs and renames every
    /// file it writes itself, so the exit handler is turned off before the library's first use.
    private static let exitHandlerOff: Void = { H5dont_atexit() }()

    /// Runs `body` with exclusive use of HDF5 and its automatic error printing turned off.
    static func run<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        exitHandlerOff
        // Save the current printer and restore it afterwards, so other HDF5 users keep theirs.
        var printer: H5E_auto2_t?
        var printerData: UnsafeMutableRawPointer?
        let saved = H5Eget_auto2(hdf5DefaultErrorStack, &printer, &printerData) >= 0
        H5Eset_auto2(hdf5DefaultErrorStack, nil, nil)
        defer { if saved { H5Eset_auto2(hdf5DefaultErrorStack, printer, printerData) } }
        return try body()
    }

    /// The descriptions on HDF5's error stack for the most recent failed call, outermost first.
    static func errorStack() -> [String] {
        final class Lines { var lines: [String] = [] }
        let lines = Lines()
        let walker: H5E_walk2_t = { _, error, context in
            guard let error, let context, let desc = error.pointee.desc else { return 0 }
            let message = String(cString: desc)
            if !message.isEmpty { Unmanaged<Lines>.fromOpaque(context).takeUnretainedValue().lines.append(message) }
            return 0
        }
        withExtendedLifetime(lines) {
            _ = H5Ewalk2(hdf5DefaultErrorStack, H5E_WALK_DOWNWARD, walker, Unmanaged.passUnretained(lines).toOpaque())
        }
        return lines.lines
    }

    // MARK: - Checking results

    /// Returns `id` when it is valid, otherwise throws with HDF5's error message.
    @discardableResult
    static func check(_ id: hid_t, _ what: @autoclosure () -> String) throws -> hid_t {
        guard id >= 0 else { throw HDF5Failure(what: what(), stack: errorStack()) }
        return id
    }

    /// Throws with HDF5's error message when `status` reports failure.
    static func check(_ status: herr_t, _ what: @autoclosure () -> String) throws {
        guard status >= 0 else { throw HDF5Failure(what: what(), stack: errorStack()) }
    }

    /// Whether a link (group or dataset) named `name` exists in `location`.
    static func exists(_ name: String, in location: hid_t) throws -> Bool {
        let found = H5Lexists(location, name, hdf5Default)
        guard found >= 0 else { throw HDF5Failure(what: "looking up \(name)", stack: errorStack()) }
        return found > 0
    }
}
