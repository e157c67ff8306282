// CheckpointFile+Write: validates the contents, writes the HDF5 layout to `.<name>.tmp-<pid>` in the
// target's directory, fsyncs it, and renames it over the target (then fsyncs the directory).
// Any failure removes the temporary file and leaves the previous checkpoint untouched.
import CHDF5
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CheckpointFile {
    /// `write(_:to:)` with a chosen format version (tests use it to make files of other versions).
    static func write(_ contents: CheckpointContents, to url: URL, formatVersion version: Int) throws {
        let path = url.path
        let problems = contents.problems()
        guard problems.isEmpty else { throw CheckpointError.invalidContents(path: path, problems: problems) }
        let trainingJSON: String?
        do { trainingJSON = try contents.training?.jsonString() } catch {
            throw CheckpointError.invalidContents(path: path, problems: ["training_state cannot be encoded: \(error)"])
        }

        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw CheckpointError.writeFailed(path: path, detail: "directory \(directory.path) does not exist: create it first")
        }
        try checkFreeSpace(for: contents, in: directory, target: path)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path

        // The whole replacement happens under the HDF5 lock, so two threads of this process that
        // write the same checkpoint never share the temporary file.
        try HDF5Session.run {
            do {
                try writeLayout(contents, trainingJSON: trainingJSON, formatVersion: version, toPath: temporary)
                try syncToDisk(temporary, for: path)
                guard rename(temporary, path) == 0 else {
                    throw CheckpointError.writeFailed(path: path, detail: "renaming \(temporary) onto it: \(errnoMessage())")
                }
                // Make the rename itself durable; a failure here leaves a complete file, so it is not fatal.
                try? syncToDisk(directory.path, for: path)
            } catch {
                unlink(temporary)
                switch error {
                case let error as CheckpointError: throw error
                case let failure as HDF5Failure where failure.stack.contains(where: { $0.contains("No space left on device") }):
                    throw CheckpointError.writeFailed(path: path, detail: "the disk is full (\(failure.what)): free space or write elsewhere")
                case let failure as HDF5Failure:
                    throw CheckpointError.writeFailed(path: path, detail: "\(failure.what) (HDF5: \(failure.detail))")
                default: throw CheckpointError.writeFailed(path: path, detail: "\(error)")
                }
            }
        }
    }

    /// Removes the `.<name>.tmp-<pid>` files in `directory` whose writer is gone (killed while
    /// writing: `kill -9`, out of memory, power loss) and returns their names. A file of a live
    /// process other than this one is left alone.
    public static func removeStaleTemporaries(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { name in
            guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards),
                  let pid = pid_t(name[marker.upperBound...]) else { return false }
            let writerAlive = pid != getpid() && (kill(pid, 0) == 0 || errno == EPERM)
            return !writerAlive && unlink(directory.appendingPathComponent(name).path) == 0
        }.sorted()
    }

    // MARK: - HDF5 layout

    /// Writes the whole layout to a new HDF5 file at `path` and closes it. Call inside `HDF5Session.run`.
    private static func writeLayout(_ contents: CheckpointContents, trainingJSON: String?, formatVersion: Int,
                                    toPath path: String) throws {
        let access = try fileAccessProperties(forWriting: true)
        defer { H5Pclose(access) }
        let file = try HDF5Session.check(H5Fcreate(path, paltrain_h5f_acc_trunc(), hdf5Default, access),
                                         "creating \(path)")
        var isOpen = true
        defer { if isOpen { H5Fclose(file) } }

        try writeIntAttribute(file, Layout.formatVersion, formatVersion)
        try writeStringAttribute(file, Layout.config, contents.config)
        try writeStringAttribute(file, Layout.tokenizer, contents.tokenizer)
        if let trainingJSON { try writeStringAttribute(file, Layout.trainingState, trainingJSON) }
        if let lengths = contents.inputLengths { try writeStringAttribute(file, Layout.inputLengths, lengths) }

        try writeTensorGroup(file, Layout.tensors, contents.tensors)
        if let moments = contents.optimizerMoments {
            let optimizer = try HDF5Session.check(H5Gcreate2(file, Layout.optimizer, hdf5Default, hdf5Default, hdf5Default),
                                                  "creating group /\(Layout.optimizer)")
            H5Gclose(optimizer)
            try writeTensorGroup(file, Layout.expAvg, moments.expAvg)
            try writeTensorGroup(file, Layout.expAvgSq, moments.expAvgSq)
        }

        isOpen = false
        try HDF5Session.check(H5Fclose(file), "closing \(path)")
    }

    /// File-access properties: no file locking (checkpoints are replaced, never edited in place) and,
    /// for writing, the HDF5 1.8 file format (checksummed metadata, attributes over 64 KiB, readable
    /// by every HDF5 since 1.8 and so by h5py).
    static func fileAccessProperties(forWriting: Bool) throws -> hid_t {
        let access = try HDF5Session.check(H5Pcreate(paltrain_h5p_file_access()), "creating file-access properties")
        do {
            if forWriting {
                try HDF5Session.check(H5Pset_libver_bounds(access, H5F_LIBVER_V18, H5F_LIBVER_V18),
                                      "choosing the file format")
            }
            try HDF5Session.check(paltrain_h5p_disable_file_locking(access), "disabling file locking")
        } catch {
            H5Pclose(access)
            throw error
        }
        return access
    }

    // MARK: - Durability

    /// Throws before anything is written when the disk of `directory` has less room than the
    /// tensors need (a full disk found halfway leaves nothing useful and costs the write).
    private static func checkFreeSpace(for contents: CheckpointContents, in directory: URL, target: String) throws {
        var disk = statvfs()
        guard statvfs(directory.path, &disk) == 0 else { return }
        let tensors = contents.tensors + (contents.optimizerMoments.map { $0.expAvg + $0.expAvgSq } ?? [])
        let needed = tensors.reduce(0) { $0 + $1.tensor.shape.reduce(4, *) }
        let free = Int(disk.f_bavail) * Int(disk.f_frsize)
        guard free >= needed else {
            let megabytes = { (bytes: Int) in String(format: "%.1f MB", Double(bytes) / 1e6) }
            throw CheckpointError.writeFailed(path: target, detail: "it needs about \(megabytes(needed)) and the disk of \(directory.path) "
                                              + "has \(megabytes(free)) free: free space or write elsewhere")
        }
    }

    /// Flushes a file's (or directory's) data to the storage device.
    private static func syncToDisk(_ path: String, for target: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw CheckpointError.writeFailed(path: target, detail: "opening \(path) to sync it: \(errnoMessage())")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw CheckpointError.writeFailed(path: target, detail: "syncing \(path) to disk: \(errnoMessage())")
        }
    }

    private static func errnoMessage() -> String { String(cString: strerror(errno)) }
}
