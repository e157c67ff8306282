// SafeTensorsFile+Read: maps the file, validates the header length, the JSON header, every tensor
// entry and the offsets (all problems reported at once), then converts each tensor's bytes straight
// into a new Float32 tensor buffer.
import Foundation
import JSON
import TensorCore

extension SafeTensorsFile {
    /// One tensor's header entry, validated: `end - begin` is the byte size of `shape` in `dtype`.
    struct Entry {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let begin: Int
        let end: Int
        var count: Int { shape.reduce(1, *) }
    }

    /// Reads the file at `path`; see `read(from:)`.
    static func readFile(atPath path: String) throws -> SafeTensorsContents {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SafeTensorsError.fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else {
            throw SafeTensorsError.unreadable(path: path, reason: "it is a directory: give the model.safetensors file inside it")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SafeTensorsError.unreadable(path: path, reason: "permission denied: check the file's permissions")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw SafeTensorsError.unreadable(path: path, reason: error.localizedDescription)
        }
        return try data.withUnsafeBytes { try parse($0, path: path) }
    }

    /// Reads a whole safetensors file held in `file`; `path` only names it in errors.
    static func parse(_ file: UnsafeRawBufferPointer, path: String) throws -> SafeTensorsContents {
        // Header length, then header.
        guard file.count >= 8 else {
            if looksLikePyTorchPickle(file, path: path) { throw SafeTensorsError.pytorchPickle(path: path) }
            throw SafeTensorsError.truncated(path: path, detail: "it is \(file.count) bytes long, shorter than the 8-byte header length")
        }
        let declared = UInt64(littleEndian: file.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard declared <= UInt64(file.count - 8) else {
            if looksLikePyTorchPickle(file, path: path) { throw SafeTensorsError.pytorchPickle(path: path) }
            throw SafeTensorsError.truncated(path: path, detail: "its first 8 bytes announce a \(declared)-byte header, "
                + "but only \(file.count - 8) bytes follow them")
        }
        let headerLength = Int(declared)
        let json: JSONValue
        do {
            json = try JSONReader.parse(file.bindMemory(to: UInt8.self), range: 8..<(8 + headerLength))
        } catch let error as JSONSyntaxError {
            if looksLikePyTorchPickle(file, path: path) { throw SafeTensorsError.pytorchPickle(path: path) }
            throw SafeTensorsError.headerNotJSON(path: path, detail: "\(error.message), at line \(error.line), column \(error.column) of the "
                + "\(headerLength)-byte header that follows the 8-byte length")
        }

        // Entries, offsets, then dtypes: each stage reports all of its problems.
        let (entries, metadata) = try validatedEntries(json, path: path)
        let buffer = UnsafeRawBufferPointer(rebasing: file[(8 + headerLength)...])
        let ordered = try checkedOffsetOrder(entries, bufferLength: buffer.count, path: path)

        var skipped: [String: String] = [:]
        var unsupported: [(name: String, dtype: String)] = []
        for entry in ordered where !entry.dtype.convertsToFloat {
            let lastComponent = entry.name.split(separator: ".").last.map(String.init) ?? entry.name
            if entry.dtype.isInteger, knownIntegerBuffers.contains(lastComponent) {
                skipped[entry.name] = "\(entry.dtype.rawValue) buffer '\(lastComponent)' is computed by the model, not loaded"
            } else {
                unsupported.append((entry.name, entry.dtype.rawValue))
            }
        }
        guard unsupported.isEmpty else { throw SafeTensorsError.unsupportedDTypes(path: path, tensors: unsupported) }

        // Conversion, straight from the mapped bytes into each tensor's buffer.
        var tensors: [NamedTensor] = []
        tensors.reserveCapacity(ordered.count)
        for entry in ordered where entry.dtype.convertsToFloat {
            let tensor = Tensor(uninitializedShape: entry.shape)
            entry.dtype.convert(UnsafeRawBufferPointer(rebasing: buffer[entry.begin..<entry.end]), into: tensor.data,
                                count: entry.count)
            tensors.append((entry.name, tensor))
        }
        let sourceDTypes = Dictionary(entries.map { ($0.name, $0.dtype.rawValue) }, uniquingKeysWith: { first, _ in first })
        return SafeTensorsContents(tensors: tensors, metadata: metadata, sourceDTypes: sourceDTypes, skipped: skipped)
    }

    // MARK: - Header validation

    /// The tensor entries and metadata of a parsed header; throws `.invalidHeader` listing every problem.
    static func validatedEntries(_ json: JSONValue, path: String) throws -> ([Entry], [String: String]) {
        guard case .object(let members) = json else {
            throw SafeTensorsError.invalidHeader(path: path, problems: ["the header is \(json.kindDescription), not a JSON object"])
        }
        var problems: [String] = []
        var entries: [Entry] = []
        var metadata: [String: String] = [:]

        var occurrences: [String: Int] = [:]
        for (key, _) in members { occurrences[key, default: 0] += 1 }
        var reported = Set<String>()
        for (key, _) in members where occurrences[key]! > 1 && reported.insert(key).inserted {
            problems.append("the name '\(key.shortened(to: 60))' appears \(occurrences[key]!) times")
        }

        for (key, value) in members {
            if key == metadataKey {
                switch value {
                case .null: break
                case .object(let pairs):
                    for (name, item) in pairs {
                        guard case .string(let text) = item else {
                            problems.append("\(metadataKey) value of '\(name.shortened(to: 60))' is \(item.kindDescription), expected a string")
                            continue
                        }
                        metadata[name] = text
                    }
                default:
                    problems.append("\(metadataKey) is \(value.kindDescription), expected an object of strings")
                }
            } else {
                do { entries.append(try entry(named: key, value)) } catch let problem as HeaderProblem {
                    problems.append(problem.text)
                }
            }
        }
        guard problems.isEmpty else { throw SafeTensorsError.invalidHeader(path: path, problems: problems) }
        return (entries, metadata)
    }

    private struct HeaderProblem: Error { let text: String }

    /// One tensor entry, checked on its own: its fields, dtype, and that shape × dtype size equals its byte span.
    private static func entry(named name: String, _ value: JSONValue) throws -> Entry {
        func problem(_ text: String) -> HeaderProblem { HeaderProblem(text: "tensor '\(name.shortened(to: 60))' " + text) }
        guard case .object(let fields) = value else {
            throw problem("is \(value.kindDescription), expected {\"dtype\": ..., \"shape\": [...], \"data_offsets\": [begin, end]}")
        }
        func field(_ key: String) throws -> JSONValue {
            guard let found = fields.first(where: { $0.0 == key }) else { throw problem("has no \"\(key)\"") }
            return found.1
        }

        let dtypeValue = try field("dtype")
        guard case .string(let dtypeName) = dtypeValue else {
            throw problem("has a dtype that is \(dtypeValue.kindDescription), expected a string such as \"F32\"")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw problem("has unknown dtype \"\(dtypeName)\" (known: \(SafeTensorsDType.allNames))")
        }
        let shapeValue = try field("shape")
        guard case .array(let dimensionValues) = shapeValue,
              dimensionValues.allSatisfy({ $0.nonNegativeInt != nil }) else {
            throw problem("has shape \(shapeValue.brief), expected a list of non-negative integers")
        }
        let shape = dimensionValues.map { $0.nonNegativeInt! }
        let offsetsValue = try field("data_offsets")
        guard case .array(let offsetValues) = offsetsValue, offsetValues.count == 2,
              let begin = offsetValues[0].nonNegativeInt, let end = offsetValues[1].nonNegativeInt else {
            throw problem("has data_offsets \(offsetsValue.brief), expected [begin, end] (two non-negative integers)")
        }
        guard begin <= end else { throw problem("has data_offsets [\(begin), \(end)], which end before they begin") }

        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw problem("has shape \(shape), too large to address") }
            count = product
        }
        let (bits, overflow) = count.multipliedReportingOverflow(by: dtype.bits)
        guard !overflow else { throw problem("has shape \(shape), too large to address") }
        guard bits % 8 == 0 else {
            throw problem("has shape \(shape) of \(dtype.rawValue), which is not a whole number of bytes")
        }
        guard bits / 8 == end - begin else {
            throw problem("has shape \(shape) of \(dtype.rawValue), which needs \(bits / 8) bytes, but its data_offsets "
                + "[\(begin), \(end)] span \(end - begin) bytes")
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    // MARK: - Offsets

    /// The entries in buffer order, after checking that they tile the `bufferLength`-byte buffer
    /// exactly; throws `.invalidOffsets` listing every range past the end, overlap and gap.
    static func checkedOffsetOrder(_ entries: [Entry], bufferLength: Int, path: String) throws -> [Entry] {
        let ordered = entries.enumerated().sorted {
            ($0.element.begin, $0.element.end, $0.offset) < ($1.element.begin, $1.element.end, $1.offset)
        }.map(\.element)
        var problems: [String] = []
        for entry in ordered where entry.end > bufferLength {
            problems.append("tensor '\(entry.name.shortened(to: 60))' has data_offsets [\(entry.begin), \(entry.end)] past the end of the "
                + "\(bufferLength)-byte data buffer (is the file cut short?)")
        }
        var cursor = 0
        var previous: Entry?
        for entry in ordered {
            if entry.begin > cursor {
                problems.append("bytes [\(cursor), \(entry.begin)) of the data buffer, before tensor '\(entry.name.shortened(to: 60))', "
                    + "belong to no tensor")
            } else if entry.begin < cursor, let previous {
                problems.append("tensor '\(entry.name.shortened(to: 60))' [\(entry.begin), \(entry.end)] overlaps tensor '\(previous.name.shortened(to: 60))' "
                    + "[\(previous.begin), \(previous.end)]")
            }
            if entry.end >= cursor {
                cursor = entry.end
                previous = entry
            }
        }
        if cursor < bufferLength {
            problems.append("the last \(bufferLength - cursor) bytes of the \(bufferLength)-byte data buffer belong to no "
                + "tensor (the tensors end at \(cursor))")
        }
        guard problems.isEmpty else { throw SafeTensorsError.invalidOffsets(path: path, problems: problems) }
        return ordered
    }

    // MARK: - Foreign files

    /// Whether the file looks like a PyTorch pickle: a zip archive (`torch.save` since 1.6), a bare
    /// pickle (older `torch.save`), or a `.bin`/`.pt`/`.pth`/`.ckpt` name. Only asked once the file
    /// has failed to read as safetensors, since a valid header length can begin with the same bytes.
    static func looksLikePyTorchPickle(_ file: UnsafeRawBufferPointer, path: String) -> Bool {
        let isZip = file.count >= 4 && Array(file[0..<4]) == [0x50, 0x4B, 0x03, 0x04]
        let isPickle = file.count >= 2 && file[0] == 0x80 && (2...5).contains(file[1])
        let pickleExtensions: Set<String> = ["bin", "pt", "pth", "ckpt"]
        return isZip || isPickle || pickleExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased())
    }
}

private extension JSONValue {
    /// The value as a non-negative integer that fits in `Int`, or nil (fractions, exponents, negative
    /// numbers, overflow and non-numbers all give nil): offsets are exact 64-bit integers, never doubles.
    var nonNegativeInt: Int? { intValue.flatMap { $0 >= 0 ? $0 : nil } }

    /// A compact rendering for error messages (long values cut short).
    var brief: String {
        JSONWriter.text(self, style: .compact).shortened(to: 80)
    }
}
