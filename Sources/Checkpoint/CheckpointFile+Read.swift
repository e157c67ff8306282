// CheckpointFile+Read: opens a checkpoint, checks it is a complete HDF5 file of a format version we
// read, then reads metadata and tensor groups (straight into tensor buffers, checksums verified).
import CHDF5
import Foundation

extension CheckpointFile {
    /// Reads the checkpoint at `path`; see `read(from:)`.
    static func readFile(atPath path: String) throws -> CheckpointContents {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckpointError.fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else {
            throw CheckpointError.unreadable(path: path, reason: "it is a directory: give the checkpoint file inside it")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CheckpointError.unreadable(path: path, reason: "permission denied: check the file's permissions")
        }
        do {
            return try HDF5Session.run { try readLayout(atPath: path) }
        } catch let failure as HDF5Failure {
            throw CheckpointError.malformed(path: path, detail: "\(failure.what) (HDF5: \(failure.detail))")
        }
    }

    // MARK: - HDF5 layout

    /// Reads the whole layout. Call inside `HDF5Session.run`.
    private static func readLayout(atPath path: String) throws -> CheckpointContents {
        let access = try fileAccessProperties(forWriting: false)
        defer { H5Pclose(access) }
        let file = H5Fopen(path, paltrain_h5f_acc_rdonly(), access)
        guard file >= 0 else {
            throw CheckpointError.truncatedOrNotHDF5(path: path, detail: HDF5Failure(what: "", stack: HDF5Session.errorStack()).detail)
        }
        defer { H5Fclose(file) }

        guard let version = try readIntAttribute(file, Layout.formatVersion) else {
            throw CheckpointError.missingAttribute(path: path, object: "/", name: Layout.formatVersion)
        }
        guard version == formatVersion else {
            throw CheckpointError.unsupportedFormatVersion(path: path, found: version, supported: formatVersion)
        }
        func requiredString(_ name: String) throws -> String {
            guard let value = try readStringAttribute(file, name) else {
                throw CheckpointError.missingAttribute(path: path, object: "/", name: name)
            }
            return value
        }
        let config = try requiredString(Layout.config)
        let tokenizer = try requiredString(Layout.tokenizer)
        var training: TrainingState?
        if let json = try readStringAttribute(file, Layout.trainingState) {
            do { training = try TrainingState.decode(jsonString: json) } catch {
                throw CheckpointError.malformed(path: path, detail: "attribute \(Layout.trainingState) is not valid: \(error)")
            }
        }

        let tensors = try readTensorGroup(file, TensorGroupLocation(file: path, group: "/" + Layout.tensors))
        var moments: OptimizerMoments?
        if try HDF5Session.exists(Layout.optimizer, in: file) {
            moments = OptimizerMoments(
                expAvg: try readTensorGroup(file, TensorGroupLocation(file: path, group: "/" + Layout.expAvg)),
                expAvgSq: try readTensorGroup(file, TensorGroupLocation(file: path, group: "/" + Layout.expAvgSq)))
        }

        let contents = CheckpointContents(tensors: tensors, optimizerMoments: moments, config: config,
                                          tokenizer: tokenizer, training: training,
                                          inputLengths: try readStringAttribute(file, Layout.inputLengths))
        let problems = contents.problems()
        guard problems.isEmpty else {
            throw CheckpointError.malformed(path: path, detail: problems.joined(separator: "; "))
        }
        return contents
    }
}
