// FileAccess: files read and written with errors a user can act on — the path, what is wrong in
// words (no such file, a folder, permission denied, read-only file system, no space left) and what
// to do — instead of Foundation's "NSCocoaErrorDomain error 256"; and output paths checked before
// long work starts, so that a run does not fail at its end.
import Foundation

/// A file or folder could not be read or written: its path, what is wrong and what to do.
public struct FileError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

public enum FileAccess {
    // MARK: - Reading and writing

    /// The bytes of the file at `url`.
    public static func read(_ url: URL) throws -> Data {
        do { return try Data(contentsOf: url) } catch { throw explained(error, path: url.path, writing: false) }
    }

    /// Writes `data` to `url`, replacing any file there atomically (a temporary file beside it, then a rename).
    public static func write(_ data: Data, to url: URL) throws {
        do { try data.write(to: url, options: .atomic) } catch { throw explained(error, path: url.path, writing: true) }
    }

    /// Writes `text` as UTF-8 to `url`, atomically.
    public static func write(_ text: String, to url: URL) throws { try write(Data(text.utf8), to: url) }

    /// Creates the folder `url` with its parents, unless it exists.
    public static func createFolder(_ url: URL) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw FileError(path: url.path, "is a file, not a folder: remove it or choose another path") }
            return
        }
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw explained(error, path: url.path, writing: true)
        }
    }

    // MARK: - Checking outputs before the work

    /// Checks that the folder `url` can be written into: it is a folder, or it does not exist yet and
    /// its nearest existing parent is a folder that takes new entries. Nothing is created.
    public static func checkOutputFolder(_ url: URL) throws {
        var existing = url.standardizedFileURL
        var isFolder: ObjCBool = false
        while !FileManager.default.fileExists(atPath: existing.path, isDirectory: &isFolder), existing.path != "/" {
            existing.deleteLastPathComponent()
        }
        guard isFolder.boolValue else {
            throw FileError(path: url.path, existing == url.standardizedFileURL ? "is a file, not a folder: remove it or choose another path"
                                : "\(existing.path) is a file, not a folder: check the path")
        }
        try probeWriting(in: existing, for: url.path)
    }

    /// Checks that a file can be written at `url`: it is not a folder, and its folder exists and takes files.
    public static func checkOutputFile(_ url: URL) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw FileError(path: url.path, "is a folder: give the path of a file to write")
        }
        let folder = url.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else {
            throw FileError(path: url.path, "its folder \(folder.path) does not exist: create it or choose another path")
        }
        guard isFolder.boolValue else { throw FileError(path: url.path, "\(folder.path) is a file, not a folder: choose another path") }
        try probeWriting(in: folder, for: url.path)
    }

    /// Creates and removes an empty file in `folder`: the one test that also catches a read-only file
    /// system and a user (such as root) for whom permission bits say nothing.
    private static func probeWriting(in folder: URL, for path: String) throws {
        let probe = folder.appendingPathComponent(".paltrain-write-check-\(getpid())-\(UUID().uuidString)").path
        let descriptor = open(probe, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            throw FileError(path: path, explanation(errno: errno, writing: true) + " (checked before starting, in \(folder.path))")
        }
        close(descriptor)
        unlink(probe)
    }

    // MARK: - Explaining errors

    /// `error` from reading (or writing) `path`, as a `FileError` in words; errors that are not about
    /// the file system pass through unchanged.
    public static func explained(_ error: Error, path: String, writing: Bool) -> Error {
        guard let code = posixCode(error) else { return error }
        return FileError(path: path, explanation(errno: code, writing: writing))
    }

    /// A Foundation file error that escaped without a path given by its caller, explained with the
    /// path it carries; other errors pass through unchanged.
    public static func explained(_ error: Error) -> Error {
        guard let path = (error as NSError).userInfo[NSFilePathErrorKey] as? String, let code = posixCode(error) else { return error }
        return FileError(path: path, explanation(errno: code, writing: nil))
    }

    /// The POSIX error number under a Foundation error (or of a POSIX error itself).
    static func posixCode(_ error: Error) -> Int32? {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        guard ns.domain == NSCocoaErrorDomain else { return nil }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? Error, (underlying as NSError).domain == NSPOSIXErrorDomain {
            return Int32((underlying as NSError).code)
        }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return ENOENT
        case .fileReadNoPermission, .fileWriteNoPermission: return EACCES
        case .fileWriteOutOfSpace: return ENOSPC
        case .fileWriteVolumeReadOnly: return EROFS
        case .fileWriteFileExists: return EEXIST
        default: return nil
        }
    }

    /// What `errno` means for a file being read, written (or either, nil), and what to do.
    static func explanation(errno code: Int32, writing: Bool?) -> String {
        switch (code, writing) {
        case (ENOENT, true?): return "its folder does not exist: create it or choose another path"
        case (ENOENT, false?): return "no such file: check the path (and the working directory)"
        case (ENOENT, nil): return "no such file or folder: check the path (and the working directory)"
        case (ENOTDIR, _): return "a part of the path is a file, not a folder: check the path"
        case (EISDIR, true?): return "is a folder: give the path of a file to write"
        case (EISDIR, _): return "is a folder: give the path of a file"
        case (EACCES, true?), (EPERM, true?): return "permission denied: choose a place you can write to, or change its permissions"
        case (EACCES, _), (EPERM, _): return "permission denied: change its permissions, or run as a user who may use it"
        case (EROFS, _): return "on a read-only file system: choose a writable place"
        case (ENOSPC, _), (EDQUOT, _): return "no space left on the device: free some space or choose another disk"
        case (EEXIST, _): return "a file is in the way: remove it or choose another path"
        default: return "cannot \(writing == true ? "write" : writing == false ? "read" : "use") it: \(String(cString: strerror(code)))"
        }
    }
}
