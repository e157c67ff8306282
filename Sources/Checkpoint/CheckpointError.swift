// CheckpointError: every way reading or writing a checkpoint can fail, each message naming the
// file, what is wrong with it, and what to do about it.

/// A checkpoint could not be read or written; `description` is a message meant for the user.
public enum CheckpointError: Error, CustomStringConvertible {
    /// No file exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but cannot be opened (a directory, or no permission).
    case unreadable(path: String, reason: String)
    /// HDF5 could not open the file: it is cut short or is not HDF5 at all.
    case truncatedOrNotHDF5(path: String, detail: String)
    /// The file was written in a format version this build does not read.
    case unsupportedFormatVersion(path: String, found: Int, supported: Int)
    /// A required attribute is absent from `object` (an HDF5 path such as `/`).
    case missingAttribute(path: String, object: String, name: String)
    /// A required group (such as `/tensors`) is absent.
    case missingGroup(path: String, group: String)
    /// A tensor's bytes fail their Fletcher32 checksum.
    case corruptTensor(path: String, group: String, name: String)
    /// The file is HDF5 but its structure or metadata is not what a checkpoint holds.
    case malformed(path: String, detail: String)
    /// The contents given to `write` are inconsistent; every problem is listed. Nothing was written.
    case invalidContents(path: String, problems: [String])
    /// Writing or replacing the file failed; the previous file at `path`, if any, is untouched.
    case writeFailed(path: String, detail: String)

    /// The checkpoint file the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let path), .unreadable(let path, _), .truncatedOrNotHDF5(let path, _),
             .unsupportedFormatVersion(let path, _, _), .missingAttribute(let path, _, _),
             .missingGroup(let path, _), .corruptTensor(let path, _, _), .malformed(let path, _),
             .invalidContents(let path, _), .writeFailed(let path, _):
            return path
        }
    }

    /// The message for the user: the file, what is wrong, and what to do.
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "checkpoint \(path) does not exist: check the path (and the working directory)"
        case .unreadable(let path, let reason):
            return "cannot read checkpoint \(path): \(reason)"
        case .truncatedOrNotHDF5(let path, let detail):
            return "\(path) is truncated or not an HDF5 file; it may be from an interrupted copy: "
                + "re-copy it or use the previous checkpoint (HDF5: \(detail))"
        case .unsupportedFormatVersion(let path, let found, let supported):
            let advice = found > supported
                ? "use a newer paltrain to read it"
                : "convert it with the paltrain that wrote it"
            return "\(path) was written by format version \(found), this paltrain reads version \(supported): \(advice)"
        case .missingAttribute(let path, let object, let name):
            return "\(path) has no attribute '\(name)' on \(object); it was not written by paltrain or is damaged: "
                + "use another checkpoint"
        case .missingGroup(let path, let group):
            return "\(path) has no group \(group); it was not written by paltrain or is damaged: use another checkpoint"
        case .corruptTensor(let path, let group, let name):
            return "tensor '\(name)' in \(path) (\(group)) fails its checksum: the file is corrupted; "
                + "re-copy it or use the previous checkpoint"
        case .malformed(let path, let detail):
            return "\(path) is not a valid paltrain checkpoint: \(detail)"
        case .invalidContents(let path, let problems):
            return "refusing to write checkpoint \(path): \(problems.joined(separator: "; "))"
        case .writeFailed(let path, let detail):
            return "could not write checkpoint \(path): \(detail); the previous file, if any, is unchanged"
        }
    }
}
