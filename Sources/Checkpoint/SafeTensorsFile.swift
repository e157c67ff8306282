// SafeTensorsFile: reads and writes HuggingFace safetensors files directly (no library). Layout:
//   [8 bytes]  N, the header length, unsigned little-endian
//   [N bytes]  UTF-8 JSON: {"__metadata__": {str: str} (optional), "<name>": {"dtype": "F32", "shape": [..],
//              "data_offsets": [begin, end]}, ...}, padded with spaces so that N % 8 == 0
//   [rest]     the tensors' little-endian bytes; offsets are relative to the buffer start, and together the
//              tensors cover the buffer exactly (no gaps, no overlaps), as the official reader demands.
import Foundation
import TensorCore

/// The contents of a safetensors file, converted to Float32.
public struct SafeTensorsContents {
    /// The tensors that were read, in the order of their data in the file (for files written by the
    /// official library or by `SafeTensorsFile.write`: by descending dtype, then by name).
    public var tensors: [NamedTensor]
    /// The header's `__metadata__` (empty when absent), e.g. `["format": "pt"]`.
    public var metadata: [String: String]
    /// The dtype each tensor had in the file (`"F32"`, `"F16"`, `"BF16"`, ...), skipped ones included.
    public var sourceDTypes: [String: String]
    /// Tensors that were deliberately not read (known integer buffers such as `position_ids`), with why.
    public var skipped: [String: String]

    /// Creates contents from their parts.
    public init(tensors: [NamedTensor], metadata: [String: String] = [:], sourceDTypes: [String: String] = [:],
                skipped: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
        self.sourceDTypes = sourceDTypes
        self.skipped = skipped
    }

    /// The tensors keyed by name, for strict loading into a model.
    public var tensorsByName: [String: Tensor] {
        Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Reads and writes safetensors files, the format of HuggingFace `model.safetensors` checkpoints.
public enum SafeTensorsFile {
    /// Last name components of integer buffers that models recompute rather than load; `read`
    /// reports them in `skipped` instead of refusing the file (e.g. `embeddings.position_ids`, I64).
    public static let knownIntegerBuffers: Set<String> = ["position_ids", "token_type_ids", "num_batches_tracked"]

    /// Reads the safetensors file at `url`, converting F16, BF16 and F64 tensors to Float32.
    ///
    /// The file is memory-mapped and each tensor's bytes are converted straight into its buffer.
    /// Integer tensors are refused unless their last name component is in `knownIntegerBuffers`, in
    /// which case they are listed in `skipped`.
    ///
    /// - Throws: `SafeTensorsError`, whose description names the file, the problem and the remedy.
    public static func read(from url: URL) throws -> SafeTensorsContents {
        try readFile(atPath: url.path)
    }

    /// Writes `tensors` as F32 with `metadata` to `url` atomically: a temporary file in the same
    /// directory is written, synced and renamed over `url`, so `url` only ever holds a complete file.
    ///
    /// The bytes are those `safetensors.torch.save_file` writes for the same float32 tensors: tensors
    /// sorted by name (byte order), compact JSON with `__metadata__` first, spaces padding the header to
    /// a multiple of 8 bytes. Metadata keys are written sorted (the official library's order is
    /// random); empty metadata is omitted, as with `metadata=None`.
    ///
    /// - Throws: `SafeTensorsError.invalidTensors` (nothing written) or `.writeFailed`.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                             to url: URL) throws {
        try writeFile(tensors, metadata: metadata, atPath: url.path)
    }

    /// Explains that a PyTorch pickle such as `pytorch_model.bin` is not read, and how to convert it.
    public static func pytorchBinMessage(for url: URL) -> String {
        let name = url.lastPathComponent
        let directory = url.deletingLastPathComponent().path
        return """
            \(url.path) is a PyTorch pickle (like pytorch_model.bin), which paltrain does not read: unpickling \
            needs Python and can run arbitrary code. Convert it once to safetensors, in \(directory):
                python -c "import torch; from safetensors.torch import save_file; \
            sd = torch.load('\(name)', map_location='cpu'); \
            save_file({k: v.contiguous() for k, v in sd.items()}, 'model.safetensors')"
            then read model.safetensors. If save_file refuses because some tensors share memory (tied weights, \
            such as lm_head.weight and model.shared.weight), clone them: \
            save_file({k: v.clone().contiguous() for k, v in sd.items()}, 'model.safetensors')
            """
    }

    // MARK: - Header names

    /// The header key of the optional string-to-string metadata.
    static let metadataKey = "__metadata__"
}
