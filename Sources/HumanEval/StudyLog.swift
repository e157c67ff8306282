// StudyLog: the study folder's JSON-lines files, appended one record at a time and flushed to disk
// (write, then fsync) before the request that made the record is answered, so a crash or a power cut
// loses nothing that a participant saw acknowledged. A line cut short by a crash is skipped when read
// and counted; the next append starts on a new line.
import Foundation
import TextData

public final class StudyLog {
    public let folder: URL
    private var descriptors: [StudyFile: Int32] = [:]

    /// Opens (creating when needed) every file of `folder` for appending; throws when the folder
    /// cannot be made or written.
    public init(folder: URL) throws {
        self.folder = folder
        do { try FileAccess.createFolder(folder) } catch { throw StudyError(.storage, "\(error)") }
        for file in StudyFile.allCases {
            let path = folder.appendingPathComponent(file.rawValue).path
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw StudyError(.storage, "\(path): cannot be opened for writing (\(String(cString: strerror(errno)))): choose a --study folder you can write to")
            }
            descriptors[file] = fd
            // A line cut short by a crash is left as it is; the next record starts on a line of its own.
            if let end = try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)), let size = try? end.seekToEnd(), size > 0 {
                try? end.seek(toOffset: size - 1)
                if end.readData(ofLength: 1) != Data("\n".utf8) { try write(Data("\n".utf8), to: file) }
                try? end.close()
            }
        }
        let directory = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 { fsync(directory); close(directory) }   // the new files' names survive a crash too
    }

    deinit { for fd in descriptors.values { close(fd) } }

    /// Appends `record` as one line of `file` and waits until it is on disk.
    public func append<Record: Encodable>(_ record: Record, to file: StudyFile) throws {
        var line = try Self.encoder.encode(record)
        line.append(UInt8(ascii: "\n"))
        try write(line, to: file)
    }

    private func write(_ data: Data, to file: StudyFile) throws {
        let fd = descriptors[file]!
        let failure = data.withUnsafeBytes { raw -> Int32? in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return errno }
                offset += n
            }
            return fsync(fd) == 0 ? nil : errno
        }
        if let failure {
            throw StudyError(.storage, "\(folder.appendingPathComponent(file.rawValue).path): the record could not be written (\(String(cString: strerror(failure)))); "
                             + "nothing was recorded: free space or fix the folder's permissions, then try again")
        }
    }

    // MARK: - Reading

    /// Every whole record of `file` in `folder`, in order, and how many lines were unreadable (a line
    /// cut short by a crash); a missing file has none.
    public static func read<Record: Decodable>(_ type: Record.Type, from file: StudyFile, in folder: URL) throws -> (records: [Record], unreadable: Int) {
        let url = folder.appendingPathComponent(file.rawValue)
        guard FileManager.default.fileExists(atPath: url.path) else { return ([], 0) }
        var records: [Record] = [], unreadable = 0
        for line in TextLines.split(try TextLines.text(of: url)) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if let record = try? decoder.decode(Record.self, from: Data(line.utf8)) { records.append(record) } else { unreadable += 1 }
        }
        return (records, unreadable)
    }

    public static let encoder = makeEncoder()

    /// The study files' JSON: snake_case keys, sorted; `pretty` for files people read.
    public static func makeEncoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
        return encoder
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()
}
