// SafeTensorsError: every way reading or writing a safetensors file can fail, each message naming
// the file, what is wrong with it, and what to do about it.
import Foundation
import JSON

/// A safetensors file could not be read or written; `description` is a message meant for the user.
public enum SafeTensorsError: Error, CustomStringConvertible {
    /// No file exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but cannot be opened or mapped (a directory, or no permission).
    case unreadable(path: String, reason: String)
    /// The file is a PyTorch pickle (`pytorch_model.bin`, `*.pt`), which is not read; see `pytorchBinMessage(for:)`.
    case pytorchPickle(path: String)
    /// The file ends before its 8-byte header length, or before the header it announces.
    case truncated(path: String, detail: String)
    /// The header is not valid UTF-8 JSON.
    case headerNotJSON(path: String, detail: String)
    /// The header is JSON but not a valid safetensors header (structure, unknown dtype, shape and
    /// byte length disagreeing, duplicate names, bad `__metadata__`); every problem is listed.
    case invalidHeader(path: String, problems: [String])
    /// The tensors' `data_offsets` run past the buffer, overlap, or leave bytes uncovered; every problem is listed.
    case invalidOffsets(path: String, problems: [String])
    /// Tensors of types that are not read as Float32 (integers that are not known buffers, FP8, ...).
    case unsupportedDTypes(path: String, tensors: [(name: String, dtype: String)])
    /// The tensors given to `write` cannot be written (duplicate, empty or reserved names). Nothing was written.
    case invalidTensors(path: String, problems: [String])
    /// Writing or replacing the file failed; the previous file at `path`, if any, is untouched.
    case writeFailed(path: String, detail: String)

    /// The safetensors file the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let path), .unreadable(let path, _), .pytorchPickle(let path), .truncated(let path, _),
             .headerNotJSON(let path, _), .invalidHeader(let path, _), .invalidOffsets(let path, _),
             .unsupportedDTypes(let path, _), .invalidTensors(let path, _), .writeFailed(let path, _):
            return path
        }
    }

    /// The advice for a file that is damaged or was not written by a conforming tool.
    private static let damagedAdvice = "the file is damaged, cut short, or was not written by the safetensors library: "
        + "re-download it, or re-save the weights in Python with safetensors.torch.save_file"

    /// The message for the user: the file, what is wrong, and what to do.
    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "safetensors file \(path) does not exist: check the path (and the working directory); "
                + "a HuggingFace model directory holds it as model.safetensors"
        case .unreadable(let path, let reason):
            return "cannot read safetensors file \(path): \(reason)"
        case .pytorchPickle(let path):
            return SafeTensorsFile.pytorchBinMessage(for: URL(fileURLWithPath: path))
        case .truncated(let path, let detail):
            return "\(path) is truncated or not a safetensors file: \(detail); it may be from an interrupted "
                + "download or copy: re-download or re-copy it"
        case .headerNotJSON(let path, let detail):
            return "\(path) is not a safetensors file: its header is not valid JSON (\(detail)); \(Self.damagedAdvice)"
        case .invalidHeader(let path, let problems):
            return "\(path) has an invalid safetensors header: \(problems.joined(separator: "; ")); \(Self.damagedAdvice)"
        case .invalidOffsets(let path, let problems):
            return "\(path) has inconsistent data_offsets: \(problems.joined(separator: "; ")); \(Self.damagedAdvice)"
        case .unsupportedDTypes(let path, let tensors):
            let list = tensors.map { "'\($0.name.shortened(to: 60))' (\($0.dtype))" }.joined(separator: ", ")
            let buffers = SafeTensorsFile.knownIntegerBuffers.sorted().joined(separator: ", ")
            return "\(path) holds tensors that paltrain does not read as float32: \(list); only F32, F16, BF16 and F64 "
                + "tensors are read, and integer buffers named \(buffers) are skipped: convert the others to float "
                + "in Python ({k: v.float() ...}) and re-save with safetensors.torch.save_file, or drop them if the "
                + "model does not need them"
        case .invalidTensors(let path, let problems):
            return "refusing to write safetensors file \(path): \(problems.joined(separator: "; ")); nothing was written"
        case .writeFailed(let path, let detail):
            return "could not write safetensors file \(path): \(detail); the previous file, if any, is unchanged"
        }
    }
}
