import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import Server
import Testing

/// Asking for the web pages as a browser does: `Accept: text/html`, the
/// session's cookie, forms posted as `application/x-www-form-urlencoded` with
/// the anti-forgery token in the field `csrf` (read from the page, as a browser
/// would submit it), redirects not followed.
extension TestServer {
    /// GETs a page; keeps the cookie and the token of the page's forms.
    @discardableResult
    func page(_ path: String, as visitor: Visitor?) async throws -> Reply {
        var headers: HTTPFields = [.accept: "text/html,application/xhtml+xml"]
        if let visitor, let cookie = visitor.cookie { headers[.cookie] = "\(visitor.cookieName)=\(cookie)" }
        let response = try await client.execute(uri: path, method: .get, headers: headers, body: nil)
        let reply = Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        visitor?.take(reply)
        if let visitor, let token = reply.formToken { visitor.csrfToken = token }
        return reply
    }

    /// POSTs a form: `csrf` is the visitor's token unless given (nil: none sent),
    /// the Origin the test origin unless given (nil: none sent).
    @discardableResult
    func submit(_ path: String, _ fields: [(String, String)], as visitor: Visitor?, csrf: String?? = .none,
                origin: String?? = .some(Template.origin), headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        headers[.accept] = "text/html,application/xhtml+xml"
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let origin = origin ?? nil { headers[.origin] = origin }
        if let visitor, let cookie = visitor.cookie { headers[.cookie] = "\(visitor.cookieName)=\(cookie)" }
        var all = fields
        let token: String? = switch csrf {
        case .none: visitor?.csrfToken
        case .some(let given): given
        }
        if let token { all.insert(("csrf", token), at: 0) }
        let body = all.map { "\(formEncoded($0.0))=\(formEncoded($0.1))" }.joined(separator: "&")
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        let reply = Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        visitor?.take(reply)
        return reply
    }
}

/// A form value as a browser encodes it (`+` would do for a space; `%20` is as good).
func formEncoded(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
}

extension Reply {
    /// Where a redirect sends the browser.
    var location: String? { headers[.location] }

    /// The anti-forgery token a page's forms carry.
    var formToken: String? {
        guard let range = text.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
        let match = text[range]
        return match.split(separator: "\"").dropFirst(3).first.map(String.init)
    }

    /// Every form control a person fills in (not hidden ones) that has no label naming it.
    var unlabelledControls: [String] {
        let html = text
        var missing: [String] = []
        let pattern = #"<(input|select|textarea)\b[^>]*>"#
        var searchRange = html.startIndex..<html.endIndex
        while let found = html.range(of: pattern, options: .regularExpression, range: searchRange) {
            let tag = String(html[found])
            searchRange = found.upperBound..<html.endIndex
            if tag.contains(#"type="hidden""#) { continue }
            guard let idRange = tag.range(of: #"id="[^"]+""#, options: .regularExpression) else {
                missing.append(tag)
                continue
            }
            let id = tag[idRange].dropFirst(4).dropLast()
            if !html.contains(#"<label for="\#(id)""#) { missing.append(tag) }
        }
        return missing
    }
}

/// What every answer of the pages carries: the content security policy
/// without inline script, no sniffing; HTML as UTF-8.
func expectPageHeaders(_ reply: Reply, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let policy = reply.headers[.contentSecurityPolicy] ?? ""
    for part in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "object-src 'none'",
                 "base-uri 'none'", "frame-ancestors 'none'"] {
        #expect(policy.contains(part), "\(what): the policy lacks \(part): \(policy)", sourceLocation: sourceLocation)
    }
    #expect(!policy.contains("unsafe-inline"), "\(what): \(policy)", sourceLocation: sourceLocation)
    #expect(reply.headers[.xContentTypeOptions] == "nosniff", "\(what)", sourceLocation: sourceLocation)
    let asset = ["text/css", "text/javascript", "application/pdf"].contains { reply.headers[.contentType]?.hasPrefix($0) == true }
    if !reply.body.isEmpty, !asset {
        #expect(reply.headers[.contentType] == "text/html; charset=utf-8", "\(what): \(reply.headers[.contentType] ?? "none")",
                sourceLocation: sourceLocation)
        #expect(reply.text.drop(while: \.isWhitespace).hasPrefix("<!DOCTYPE html>\n<html lang=\"ru\">"), "\(what): \(reply.text.prefix(80))", sourceLocation: sourceLocation)
        #expect(reply.text.contains(#"<meta charset="utf-8">"#), "\(what)", sourceLocation: sourceLocation)
        // A script only by address, from the journal's own files: never inline.
        let scripts = reply.text.lowercased().components(separatedBy: "<script").count - 1
        let external = reply.text.components(separatedBy: #"<script src="/static/"#).count - 1
        let wellFormed = reply.text.matches(of: /<script src="\/static\/[a-z]+\.js\?v=[0-9a-f]+" defer><\/script>/).count
        #expect(scripts == external && external == wellFormed, "\(what): a page carries an inline script", sourceLocation: sourceLocation)
        #expect(reply.unlabelledControls.isEmpty, "\(what): controls without a label: \(reply.unlabelledControls)",
                sourceLocation: sourceLocation)
    }
}
