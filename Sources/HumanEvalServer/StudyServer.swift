// StudyServer: `paltrain human-eval serve` — the study's web server (Hummingbird). Participants'
// pages and their JSON API, the admin page and its token-guarded progress and export. Every study
// call runs on one serial queue (the models are not re-entrant and each record is appended in
// order); every refusal is a JSON error with a status and a sentence, never a crash. Pages are
// static and fill themselves with textContent only, under a Content-Security-Policy without inline
// script, so what participants type is never read as markup.
import Foundation
import HumanEval
import HTTPTypes
import Hummingbird
import Logging
import TextData

public final class StudyServer: @unchecked Sendable {
    public let folder: URL
    public let pairwise: PairwiseStudy?
    public let review: PersonaReviewStudy?
    public let pseudonyms: Pseudonymizer
    /// Required (as `Authorization: Bearer …`) by the admin API.
    public let adminToken: String
    private let queue = DispatchQueue(label: "paltrain.human-eval.study")

    public init(folder: URL, pairwise: PairwiseStudy?, review: PersonaReviewStudy?, pseudonyms: Pseudonymizer, adminToken: String = SessionID.make()) {
        (self.folder, self.pairwise, self.review, self.pseudonyms, self.adminToken) = (folder, pairwise, review, pseudonyms, adminToken)
    }

    /// Serves until SIGINT or SIGTERM; `started` gets the bound port (useful with port 0).
    public func run(host: String, port: Int, started: @escaping @Sendable (Int) -> Void) async throws {
        var logger = Logger(label: "paltrain.human-eval")
        logger.logLevel = .error
        let app = Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "paltrain"),
                              onServerRunning: { started($0.localAddress?.port ?? port) }, logger: logger)
        do { try await app.runService() } catch {
            throw Self.explained(error, host: host, port: port)
        }
    }

    /// A bind failure in words: a port in use or an address this machine does not have.
    static func explained(_ error: Error, host: String, port: Int) -> Error {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("EADDRINUSE") {
            return StudyError(.storage, "\(host):\(port) is in use by another program: choose another --port (or stop that program)")
        }
        if text.contains("Cannot assign requested address") || text.contains("EADDRNOTAVAIL") || text.contains("resolve") {
            return StudyError(.storage, "cannot listen on \(host):\(port): this machine has no such address; --host takes one of its own addresses")
        }
        return error
    }

    // MARK: - Routes

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        for asset in StudyAssets.all {
            router.get(RouterPath(stringLiteral: asset.path)) { _, _ in Self.asset(asset) }
        }
        router.get("/api/config") { [self] _, _ in
            try json(["pairwise": pairwise != nil, "persona_review": review != nil])
        }
        router.post("/api/pairwise/sessions") { [self] request, _ in
            try await answer { let sign: SignIn = try await body(request); return try await onQueue { try self.pairwiseStudy().start(participant: try self.pseudonyms.pseudonym(sign.participant)) } }
        }
        router.get("/api/pairwise/sessions/:id") { [self] _, context in
            try await answer { let id = try context.parameters.require("id"); return try await onQueue { try self.pairwiseStudy().view(session: id) } }
        }
        router.post("/api/pairwise/sessions/:id/turns") { [self] request, context in
            try await answer {
                let (id, sent): (String, Message) = (try context.parameters.require("id"), try await body(request))
                return try await onQueue { try self.pairwiseStudy().send(session: id, message: sent.message) }
            }
        }
        router.post("/api/pairwise/sessions/:id/judgement") { [self] request, context in
            try await answer {
                let (id, sent): (String, Judgement) = (try context.parameters.require("id"), try await body(request))
                return try await onQueue { try self.pairwiseStudy().judge(session: id, verdicts: sent.verdicts, attention: sent.attention ?? [:], comment: sent.comment ?? "") }
            }
        }
        router.post("/api/persona/sessions") { [self] request, _ in
            try await answer { let sign: SignIn = try await body(request); return try await onQueue { try self.reviewStudy().start(participant: try self.pseudonyms.pseudonym(sign.participant)) } }
        }
        router.get("/api/persona/sessions/:id") { [self] _, context in
            try await answer { let id = try context.parameters.require("id"); return try await onQueue { try self.reviewStudy().view(session: id) } }
        }
        router.post("/api/persona/sessions/:id/ratings") { [self] request, context in
            try await answer {
                let (id, sent): (String, Rating) = (try context.parameters.require("id"), try await body(request))
                return try await onQueue { try self.reviewStudy().rate(session: id, item: sent.item, label: sent.label, reason: sent.reason ?? "") }
            }
        }
        router.get("/api/admin/progress") { [self] request, _ in
            try await answer { try authorize(request); return try await onQueue { try StudyReport.make(folder: self.folder) } }
        }
        router.get("/api/admin/export") { [self] request, _ in
            try await answer(download: "study-export.json") { try authorize(request); return try await onQueue { try StudyExport.make(folder: self.folder) } }
        }
        return router
    }

    // MARK: - Requests and answers

    struct SignIn: Decodable { var participant: String }
    struct Message: Decodable { var message: String }
    struct Judgement: Decodable { var verdicts: [String: String]; var attention: [String: String]?; var comment: String? }
    struct Rating: Decodable { var item: Int; var label: String; var reason: String? }

    private func pairwiseStudy() throws -> PairwiseStudy {
        guard let pairwise else { throw StudyError(.notFound, "this server runs no chat study (start it with --models)") }
        return pairwise
    }

    private func reviewStudy() throws -> PersonaReviewStudy {
        guard let review else { throw StudyError(.notFound, "this server runs no persona review (start it with --personas)") }
        return review
    }

    private func authorize(_ request: Request) throws {
        let given = request.headers[.authorization] ?? ""
        guard Self.constantTimeEqual(given, "Bearer " + adminToken) else {
            throw HTTPError(.unauthorized, message: "the admin token is required: open the admin address the server printed at start")
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        return x.count == y.count && zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The request's JSON body (at most `Limits.requestBytes`) as `T`.
    private func body<T: Decodable>(_ request: Request) async throws -> T {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: Limits.requestBytes) } catch {
            throw StudyError(.tooLarge, "the request is larger than \(Limits.requestBytes / 1024) KiB")
        }
        do { return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView)) } catch {
            throw StudyError(.badRequest, "the request is not the JSON this address takes (\(error))")
        }
    }

    /// Runs `work` on the study's queue.
    private func onQueue<T>(_ work: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in queue.async { continuation.resume(with: Result { try work() }) } }
    }

    /// `work`'s value as JSON, or its error as `{"error": …}` with the status its kind calls for.
    private func answer<T: Encodable>(download: String? = nil, _ work: () async throws -> T) async throws -> Response {
        do {
            var response = try json(await work())
            if let download { response.headers[.contentDisposition] = "attachment; filename=\"\(download)\"" }
            return response
        } catch let error as StudyError {
            let status: HTTPResponse.Status = switch error.kind {
            case .badRequest: .badRequest
            case .notFound: .notFound
            case .conflict: .conflict
            case .tooLarge: .contentTooLarge
            case .storage: .internalServerError
            }
            return try json(["error": error.message], status: status)
        } catch let error as HTTPError {
            return try json(["error": error.body ?? error.status.reasonPhrase], status: error.status)
        } catch {
            return try json(["error": "the server could not do this: \(error)"], status: .internalServerError)
        }
    }

    private func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try StudyLog.encoder.encode(value)
        var headers = Self.securityHeaders
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func asset(_ asset: StudyAssets.Asset) -> Response {
        var headers = securityHeaders
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: asset.text)))
    }

    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
    ]
}
