// CheckpointFile: reads and writes checkpoints as HDF5 files. Layout (format version 1):
//   /                        attributes format_version (int64), config, tokenizer, training_state?,
//                            input_lengths? (UTF-8 JSON)
//   /tensors/<name>          little-endian float32 datasets, one chunk each, Fletcher32-checksummed;
//                            attribute index (position in the list); 0-d tensors stored as (1) + attribute scalar
//   /optimizer/exp_avg/<name>, /optimizer/exp_avg_sq/<name>   AdamW moments, same layout (optional)
import CHDF5
import Foundation

/// Reads and writes checkpoint files (HDF5, format version `CheckpointFile.formatVersion`).
public enum CheckpointFile {
    /// The format version this build writes and the only one it reads.
    public static let formatVersion = 1

    /// The version of the HDF5 library in use, such as `1.10.8`.
    public static var hdf5Version: String {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        let status = HDF5Session.run { H5get_libversion(&major, &minor, &release) }
        return status < 0 ? "unknown" : "\(major).\(minor).\(release)"
    }

    /// HDF5 names of the layout's groups and root attributes.
    enum Layout {
        static let tensors = "tensors"
        static let optimizer = "optimizer"
        static let expAvg = "optimizer/exp_avg"
        static let expAvgSq = "optimizer/exp_avg_sq"
        static let formatVersion = "format_version"
        static let config = "config"
        static let tokenizer = "tokenizer"
        static let trainingState = "training_state"
        static let inputLengths = "input_lengths"
    }

    /// Writes `contents` to `url` atomically: a temporary file in the same directory is written,
    /// synced and renamed over `url`, so `url` only ever holds a complete checkpoint.
    ///
    /// - Throws: `CheckpointError.invalidContents` (nothing written) or `.writeFailed`.
    public static func write(_ contents: CheckpointContents, to url: URL) throws {
        try write(contents, to: url, formatVersion: formatVersion)
    }

    /// Reads the checkpoint at `url`, verifying its format version, structure and tensor checksums.
    ///
    /// - Throws: `CheckpointError`, whose description names the file, the problem and the remedy.
    public static func read(from url: URL) throws -> CheckpointContents {
        try readFile(atPath: url.path)
    }
}
