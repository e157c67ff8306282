// DataManifest: `data/manifest.sha256`, the sha256 of every file `make data` installs, and the check
// that the files a run reads are those files — so that a run on edited or damaged data says so, and
// does not call its split the paper's.
import Foundation

/// The sha256 of each installed data file, by its path inside the data folder.
public struct DataManifest: Sendable {
    public static let fileName = "manifest.sha256"

    /// The manifest file.
    public var file: String
    /// Lowercase hex sha256 by path relative to the data folder (`esconv/train.json`).
    public var hashes: [String: String]

    /// The manifest of the data folder `data`, or nil when it has none.
    public static func load(data: URL) throws -> DataManifest? {
        let url = data.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        var hashes: [String: String] = [:]
        for (index, line) in TextLines.split(try TextLines.text(of: url)).enumerated() where !line.allSatisfy(\.isWhitespace) {
            // sha256sum's format: the hash, a space, then a space (text mode) or `*` (binary mode), then the path.
            let hash = line.prefix(64), rest = line.dropFirst(64)
            guard hash.count == 64, hash.allSatisfy(\.isHexDigit), rest.hasPrefix(" "), rest.count > 2 else {
                throw DataError(file: url.path, line: index + 1, "expected `<sha256 in 64 hex digits>  <path>`, as sha256sum writes it")
            }
            hashes[String(rest.dropFirst(2))] = hash.lowercased()
        }
        return DataManifest(file: url.path, hashes: hashes)
    }

    /// The paths among `files` (path inside the data folder → the file's bytes) whose sha256 is not
    /// the one listed, or that the manifest does not list, sorted.
    public func differences(_ files: [String: Data]) -> [String] {
        files.filter { hashes[$0.key] != SHA256.hex($0.value) }.map(\.key).sorted()
    }
}

/// Whether the data files a run read are the published ones.
public enum DataVerification: Equatable, Sendable {
    /// Every file has the sha256 that the manifest lists.
    case matchesManifest
    /// These files (paths inside the data folder) differ from `manifest`, or it does not list them.
    case differs([String], manifest: String)
    /// The data folder has no manifest to check against (the path looked for).
    case noManifest(String)

    /// Checks `files` (path inside the data folder → bytes) against the manifest of `data`.
    public static func check(_ files: [String: Data], data: URL) throws -> DataVerification {
        guard let manifest = try DataManifest.load(data: data) else {
            return .noManifest(data.appendingPathComponent(DataManifest.fileName).path)
        }
        let differing = manifest.differences(files)
        return differing.isEmpty ? .matchesManifest : .differs(differing, manifest: manifest.file)
    }

    /// A line for the user when the files are not known to be the published ones.
    public var note: String? {
        switch self {
        case .matchesManifest: return nil
        case .differs(let files, let manifest):
            return "\(files.joined(separator: ", ")) \(files.count == 1 ? "differs" : "differ") from \(manifest): not the published data, "
                + "so no split of it is the paper's (`make data` reinstalls the published files)"
        case .noManifest(let path):
            return "data not verified (no \(path)): no split of them can be called the paper's"
        }
    }
}
