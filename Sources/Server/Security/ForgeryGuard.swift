import Foundation
import HTTPTypes
import Hummingbird

/// Cross-site request forgery: every state change (POST, PUT, PATCH, DELETE)
/// must come from the journal's own pages — its `Origin` (or, lacking one, its
/// `Referer`) is the server's own — and, within a session, carry the session's
/// anti-forgery token: in `X-CSRF-Token` from the API's clients, or in the field
/// `csrf` of a page's form (`application/x-www-form-urlencoded`, or `multipart/form-data`
/// for an upload). Otherwise 403,
/// and nothing is recorded.
struct ForgeryGuard: RouterMiddleware {
    typealias Context = AppRequestContext
    let configuration: ServerConfiguration
    static let tokenHeader = HTTPField.Name("X-CSRF-Token")!
    static let formField = "csrf"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method) else { return try await next(request, context) }
        guard sameOrigin(request) else {
            context.logger.warning("refused: a state change from another origin",
                                   metadata: ["origin": "\(request.headers[.origin] ?? request.headers[.referer] ?? "none")"])
            throw APIError.forgery
        }
        var request = request
        if let session = context.sessions.session {
            var sent = request.headers[Self.tokenHeader] ?? ""
            if sent.isEmpty, Self.isForm(request) {
                // The body is read here and handed on whole: the page reads its fields again.
                let body = try await request.collectBody(upTo: context.maxUploadSize)
                sent = FormFields(body)[Self.formField] ?? ""
            } else if sent.isEmpty, let boundary = MultipartForm.boundary(request) {
                // A file upload: the same field, in its own part.
                let body = try await request.collectBody(upTo: MultipartForm.largestUpload)
                sent = MultipartForm.csrf(in: body, boundary: boundary) ?? ""
            }
            guard Self.equal(sent, session.csrfToken) else {
                context.logger.warning("refused: a state change without the session's anti-forgery token")
                throw APIError.forgery
            }
        }
        return try await next(request, context)
    }

    static func isForm(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false
    }

    /// The origin the request claims is the one its Host names (or an allowed one).
    func sameOrigin(_ request: Request) -> Bool {
        let claimed: String
        if let origin = request.headers[.origin] {
            claimed = origin
        } else if let referer = request.headers[.referer], let url = URL(string: referer), let scheme = url.scheme, let host = url.host {
            claimed = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        } else {
            return false
        }
        if configuration.allowedOrigins.contains(claimed) { return true }
        guard let host = request.head.authority else { return false }
        return claimed == "\(configuration.secure ? "https" : "http")://\(host)"
    }

    /// Compares in time that does not depend on where the first difference is.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Headers every answer carries: a content security policy without inline
/// script, no sniffing, no framing; HSTS when served over TLS.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    let secure: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        if secure { response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains" }
        return response
    }
}
