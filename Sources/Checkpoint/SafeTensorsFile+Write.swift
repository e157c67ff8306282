// SafeTensorsFile+Write: builds the header exactly as the official library does (tensors by name,
// compact JSON, space padding), writes it and the F32 bytes to `.<name>.tmp-<pid>-<uuid>` in the
// target's directory, fsyncs it, and renames it over the target (then fsyncs the directory).
// Any failure removes the temporary file and leaves the previous file untouched.
import Foundation
import JSON
import TensorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SafeTensorsFile {
    /// Writes `tensors` to `path`; see `write(_:metadata:to:)`.
    static func writeFile(_ tensors: [NamedTensor], metadata: [String: String], atPath path: String) throws {
        let problems = writeProblems(tensors)
        guard problems.isEmpty else { throw SafeTensorsError.invalidTensors(path: path, problems: problems) }

        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SafeTensorsError.writeFailed(path: path, detail: "directory \(directory.path) does not exist: create it first")
        }
        // The official library orders tensors by descending dtype, then by name (bytewise); all ours are F32.
        let ordered = tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let header = headerBytes(ordered, metadata: metadata)

        // The pid and a UUID keep concurrent writers (processes or threads) off each other's temporary file.
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString)").path
        do {
            try writeBytes(header: header, ordered, toPath: temporary, for: path)
            guard rename(temporary, path) == 0 else {
                throw SafeTensorsError.writeFailed(path: path, detail: "renaming \(temporary) onto it: \(errnoMessage())")
            }
            // Make the rename itself durable; a failure here leaves a complete file, so it is not fatal.
            let directoryDescriptor = open(directory.path, O_RDONLY)
            if directoryDescriptor >= 0 {
                _ = fsync(directoryDescriptor)
                close(directoryDescriptor)
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Every reason `tensors` cannot be written (empty when they can).
    private static func writeProblems(_ tensors: [NamedTensor]) -> [String] {
        var problems: [String] = []
        var seen: [String: Int] = [:]
        for (name, _) in tensors { seen[name, default: 0] += 1 }
        for (name, occurrences) in seen.sorted(by: { $0.key < $1.key }) where occurrences > 1 {
            problems.append("the name '\(name)' is given \(occurrences) times: names must be unique")
        }
        if seen[""] != nil { problems.append("a tensor has an empty name") }
        if seen[metadataKey] != nil { problems.append("'\(metadataKey)' is reserved for the metadata and cannot name a tensor") }
        return problems
    }

    // MARK: - Header

    /// The 8-byte length and the header JSON, padded with spaces to a multiple of 8 bytes:
    /// `{"__metadata__":{"k":"v"},"name":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},...}`.
    static func headerBytes(_ ordered: [NamedTensor], metadata: [String: String]) -> [UInt8] {
        var json: [UInt8] = Array("{".utf8)
        var first = true
        func separator() {
            if !first { json.append(UInt8(ascii: ",")) }
            first = false
        }
        if !metadata.isEmpty {
            separator()
            json += quoted(metadataKey) + Array(":{".utf8)
            let pairs = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { json.append(UInt8(ascii: ",")) }
                json += quoted(key) + [UInt8(ascii: ":")] + quoted(value)
            }
            json.append(UInt8(ascii: "}"))
        }
        var offset = 0
        for (name, tensor) in ordered {
            separator()
            let end = offset + 4 * tensor.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            json += quoted(name)
                + Array(":{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}".utf8)
            offset = end
        }
        json.append(UInt8(ascii: "}"))
        json += [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json
    }

    // MARK: - File

    /// Creates `temporary`, writes the header and every tensor's bytes (little-endian F32), and syncs it.
    private static func writeBytes(header: [UInt8], _ ordered: [NamedTensor], toPath temporary: String,
                                   for path: String) throws {
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw SafeTensorsError.writeFailed(path: path, detail: "creating \(temporary): \(errnoMessage())")
        }
        var isOpen = true
        defer { if isOpen { close(descriptor) } }

        try header.withUnsafeBytes { try writeAll(descriptor, $0, temporary: temporary, for: path) }
        for (_, tensor) in ordered where tensor.count > 0 {
            #if _endian(little)
            try writeAll(descriptor, UnsafeRawBufferPointer(start: tensor.data, count: 4 * tensor.count),
                         temporary: temporary, for: path)
            #else
            let bytes = (0..<tensor.count).map { tensor.data[$0].bitPattern.littleEndian }
            try bytes.withUnsafeBytes { try writeAll(descriptor, $0, temporary: temporary, for: path) }
            #endif
        }
        guard fsync(descriptor) == 0 else {
            throw SafeTensorsError.writeFailed(path: path, detail: "syncing \(temporary) to disk: \(errnoMessage())")
        }
        isOpen = false
        guard close(descriptor) == 0 else {
            throw SafeTensorsError.writeFailed(path: path, detail: "closing \(temporary): \(errnoMessage())")
        }
    }

    /// Writes all of `bytes`, resuming after partial writes and interruptions.
    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, temporary: String,
                                 for path: String) throws {
        var done = 0
        while done < bytes.count {
            let written = posixWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if written < 0 {
                if errno == EINTR { continue }
                throw SafeTensorsError.writeFailed(path: path, detail: "writing \(temporary): \(errnoMessage())")
            }
            done += written
        }
    }

    private static func errnoMessage() -> String { String(cString: strerror(errno)) }
}

/// The C `write`, out of reach of `SafeTensorsFile.write` inside the extension.
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// `text` as a JSON string literal, escaped as serde_json escapes it (so headers are byte-identical to
/// the official ones), as UTF-8.
private func quoted(_ text: String) -> [UInt8] { Array(JSONWriter.quoted(text, asciiOnly: false).utf8) }
