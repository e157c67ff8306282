// StudyManifest: `study/study.json`, the settings a study folder was started with (models, turns,
// persona sample, raters, attention checks). A restart with other settings is refused, so one folder
// never mixes two designs; the report reads the requested raters from it.
import Foundation
import TextData

public struct StudyManifest: Codable, Equatable, Sendable {
    public static let file = "study.json"

    public var pairwise: PairwiseStudy.Settings?
    public var personaReview: PersonaReviewStudy.Settings?
    public var checks: AttentionChecks

    public init(pairwise: PairwiseStudy.Settings?, personaReview: PersonaReviewStudy.Settings?, checks: AttentionChecks) {
        (self.pairwise, self.personaReview, self.checks) = (pairwise, personaReview, checks)
    }

    /// The manifest of `folder`, nil when it has none.
    public static func read(folder: URL) throws -> StudyManifest? {
        let url = folder.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do { return try StudyLog.decoder.decode(StudyManifest.self, from: FileAccess.read(url)) } catch {
            throw DataError(file: url.path, "not a study manifest (\(error)); was this folder written by `paltrain human-eval serve`?")
        }
    }

    /// Writes this manifest into `folder`, or checks that the one there is the same.
    public func claim(folder: URL) throws {
        if let existing = try Self.read(folder: folder) {
            guard existing == self else {
                throw StudyError(.storage, "\(folder.appendingPathComponent(Self.file).path): this study was started with other settings "
                                 + "(models, turns, persona sample, raters or attention checks); start the server with those again, or use a new --study folder")
            }
            return
        }
        do { try FileAccess.write(try StudyLog.makeEncoder(pretty: true).encode(self), to: folder.appendingPathComponent(Self.file)) } catch { throw StudyError(.storage, "\(error)") }
    }
}
