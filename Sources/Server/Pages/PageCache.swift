import EventLog
import Foundation
import NIOCore
import Synchronization

/// Pages already rendered — a diary week, a journal grid — kept while nothing
/// they could show has changed: neither the rules' state (who may do what, the
/// timetable, the names) nor the views, nor the school's day. A parent who
/// opens the same week again in the evening, or 64 of them at once, gets the
/// page without its render (3–9 ms of one core each).
///
/// Coarse on purpose: any event recorded in the school moves the stamp and
/// every page is rendered anew at its next request. Kept per person (the
/// frame names them and their sections), with the session's anti-forgery token
/// left out: it is put in at every answer, so a page is never served with
/// another session's token.
final class PageCache: Sendable {
    /// What a page was rendered against; it holds while the stamp is the same.
    struct Stamp: Hashable, Sendable {
        let state: UInt64
        let views: UInt64
        let day: CivilDate
    }

    /// A rendered page split where the session's token goes.
    struct Page: Sendable {
        let parts: [ByteBuffer]
        let bytes: Int

        init(_ html: String, splitAt mark: String) {
            parts = html.components(separatedBy: mark).map { ByteBuffer(string: $0) }
            bytes = parts.reduce(0) { $0 + $1.readableBytes }
        }

        /// The page with `csrf` where the token goes.
        func body(csrf: String) -> ByteBuffer {
            var buffer = ByteBuffer()
            buffer.reserveCapacity(bytes + (parts.count - 1) * csrf.utf8.count)
            for (index, part) in parts.enumerated() {
                if index > 0 { buffer.writeString(csrf) }
                buffer.writeImmutableBuffer(part)
            }
            return buffer
        }
    }

    private struct State {
        var entries: [String: (stamp: Stamp, page: Page)] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    private let maximumBytes: Int
    /// Rendered in place of the session's token, then cut out: random per
    /// process, so no text a person records can stand for it.
    let tokenMark = "csrf" + (0..<4).map { _ in String(UInt64.random(in: .min ... .max), radix: 16) }.joined()

    init(maximumBytes: Int = 32 << 20) {
        self.maximumBytes = maximumBytes
    }

    /// How many pages are kept.
    var count: Int { state.withLock { $0.entries.count } }

    /// The page kept for `key`, if it was rendered against `stamp`.
    func page(for key: String, stamp: Stamp) -> Page? {
        state.withLock { state in
            guard let entry = state.entries[key], entry.stamp == stamp else { return nil }
            return entry.page
        }
    }

    /// Keeps `html` (rendered with `tokenMark` for the token) for `key`. Over the
    /// budget, the pages of older stamps go first, then all of them.
    func store(_ html: String, for key: String, stamp: Stamp) -> Page {
        let page = Page(html, splitAt: tokenMark)
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.bytes -= old.page.bytes }
            if state.bytes + page.bytes > maximumBytes {
                state.entries = state.entries.filter { $0.value.stamp == stamp }
                state.bytes = state.entries.values.reduce(0) { $0 + $1.page.bytes }
                if state.bytes + page.bytes > maximumBytes {
                    state.entries = [:]
                    state.bytes = 0
                }
            }
            state.entries[key] = (stamp, page)
            state.bytes += page.bytes
        }
        return page
    }
}
