// StudyExport: every record of a study folder in one JSON document, for the admin page's export:
// the manifest and each file's records (never the pseudonym key).
import Foundation

public struct StudyExport: Encodable {
    public var manifest: StudyManifest?
    public var sessions: [SessionRecord]
    public var turns: [TurnRecord]
    public var judgements: [JudgementRecord]
    public var personaSessions: [PersonaSessionRecord]
    public var personaRatings: [PersonaRatingRecord]

    public static func make(folder: URL) throws -> StudyExport {
        StudyExport(manifest: try StudyManifest.read(folder: folder),
                    sessions: try StudyLog.read(SessionRecord.self, from: .sessions, in: folder).records,
                    turns: try StudyLog.read(TurnRecord.self, from: .turns, in: folder).records,
                    judgements: try StudyLog.read(JudgementRecord.self, from: .judgements, in: folder).records,
                    personaSessions: try StudyLog.read(PersonaSessionRecord.self, from: .personaSessions, in: folder).records,
                    personaRatings: try StudyLog.read(PersonaRatingRecord.self, from: .personaRatings, in: folder).records)
    }
}
