import CCairo
import Foundation

/// A failure to write a book's PDF.
public struct PrintError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Draws a `JournalBook` into a PDF with Cairo, text laid out by Pango in
/// DejaVu Sans (Cyrillic). The only code that touches the C libraries.
///
/// One renderer owns one Cairo surface and context for one file; it is used
/// from one thread at a time (books are rendered in parallel, each by its own).
public final class PDFRenderer {
    /// What was drawn.
    public struct Report: Sendable {
        public var pages = 0
        /// Pages whose content ran past the footer line (the estimates were short).
        public var overflows: [Int] = []
    }

    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private let pango: OpaquePointer
    private var fonts: [Font: OpaquePointer] = [:]
    /// Short texts recur thousands of times (marks, codes, numbers): each is shaped once.
    private var cache: [CacheKey: OpaquePointer] = [:]
    private var scratch: OpaquePointer?

    enum Font: Hashable {
        case body, headerBold, line, small, foot, heading, large, title

        var spec: (size: Double, bold: Bool) {
            switch self {
            case .body: (PageGeometry.bodySize, false)
            case .headerBold: (PageGeometry.headerSize, true)
            case .line: (PageGeometry.lineSize, false)
            case .small: (7.5, false)
            case .foot: (PageGeometry.footSize, false)
            case .heading: (PageGeometry.headingSize, true)
            case .large: (16, false)
            case .title: (26, true)
            }
        }
    }

    struct CacheKey: Hashable {
        var text: String
        var font: Font
        var width: Int
        var align: Align
    }

    public init(path: String, title: String) throws {
        guard let surface = cairo_pdf_surface_create(path, PageGeometry.width, PageGeometry.height),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw PrintError("cannot create \(path)")
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Letopis")
        self.surface = surface
        cr = cairo_create(surface)
        pango = pango_cairo_create_context(cr)
        // Unhinted metrics: the layout on paper is the layout measured.
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        pango_cairo_context_set_font_options(pango, options)
        cairo_font_options_destroy(options)
    }

    deinit {
        for layout in cache.values { g_object_unref(UnsafeMutableRawPointer(layout)) }
        if let scratch { g_object_unref(UnsafeMutableRawPointer(scratch)) }
        for font in fonts.values { pango_font_description_free(font) }
        g_object_unref(UnsafeMutableRawPointer(pango))
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// Writes the whole book to `path`.
    @discardableResult
    public static func write(_ book: JournalBook, to path: String) throws -> Report {
        let renderer = try PDFRenderer(path: path, title: "Классный журнал \(book.className), \(book.yearTitle)")
        return try renderer.render(book)
    }

    public func render(_ book: JournalBook) throws -> Report {
        var report = Report()
        for page in book.pages {
            if draw(page, of: book) { report.overflows.append(page.number) }
            cairo_show_page(cr)
            report.pages += 1
        }
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PrintError("cannot write the PDF: \(String(cString: cairo_status_to_string(status)))")
        }
        return report
    }

    // MARK: Pages

    /// Draws one page; true when its content ran into the footer.
    private func draw(_ page: BookPage, of book: JournalBook) -> Bool {
        let g = PageGeometry.self
        setColor(0)
        // Running head and sheet number.
        let (footLeft, sheet, stamp) = book.footer(page: page.number)
        text(page.heading, .heading, x: g.left, y: g.top, width: g.contentWidth - 120)
        text(sheet, .heading, x: g.width - g.right - 120, y: g.top, width: 120, align: .right)
        rule(x1: g.left, y1: g.top + g.headHeight - 6, x2: g.width - g.right, y2: g.top + g.headHeight - 6, width: 0.6)

        var y = g.contentTop
        switch page.kind {
        case .title, .certification:
            centered(page.lines, title: page.kind == .title)
        default:
            for line in page.lines {
                y += text(line.text, line.style == .small ? .small : .line, x: g.left, y: y, width: g.contentWidth)
            }
            if !page.lines.isEmpty { y += g.linesGap }
            if let table = page.table { y = drawTable(table, top: y) }
        }

        // Footer: the book, the sheet, the log position, root and page digest.
        let footTop = g.height - g.bottom - g.footHeight + 6
        setColor(0)
        rule(x1: g.left, y1: footTop - 3, x2: g.width - g.right, y2: footTop - 3, width: 0.4)
        text(footLeft, .foot, x: g.left, y: footTop, width: g.contentWidth - 100)
        text(sheet, .foot, x: g.width - g.right - 100, y: footTop, width: 100, align: .right)
        text(stamp, .foot, x: g.left, y: footTop + 9, width: g.contentWidth)
        return y > g.contentBottom + 0.5
    }

    private func centered(_ lines: [PageLine], title: Bool) {
        let g = PageGeometry.self
        let fonts: [Font] = lines.map {
            switch $0.style {
            case .title: .title
            case .large: .large
            case .normal: .line
            case .small: .small
            }
        }
        let width = g.contentWidth - 120
        let gaps = lines.map { $0.style == .small ? 10.0 : title ? 18.0 : 26.0 }
        let heights = zip(lines, fonts).map { measure($0.text, $1, width: width, align: .center) }
        let total = zip(heights, gaps).reduce(0) { $0 + $1.0 + $1.1 }
        var y = g.contentTop + max(0, (g.contentHeight - total) / (title ? 2.4 : 3))
        for (index, line) in lines.enumerated() {
            y += text(line.text, fonts[index], x: g.left + 60, y: y, width: width, align: .center) + gaps[index]
        }
    }

    /// Draws a table from `top`; returns where it ends.
    private func drawTable(_ table: PageTable, top: Double) -> Double {
        let g = PageGeometry.self
        let x0 = g.left
        var xs = [x0]
        for column in table.columns { xs.append(xs.last! + column.width) }
        let right = xs.last!

        // Header: a row of groups (months) over the column titles; a column under
        // an untitled group takes both rows.
        let groupHeight = table.groups.isEmpty ? 0 : TextMetrics.lineHeight(g.headerSize) + 2 * g.padY
        let titleTop = top + groupHeight
        var merged = [Bool](repeating: false, count: table.columns.count)
        var boundaries: Set<Int> = [0, table.columns.count]
        var column = 0
        for group in table.groups {
            for i in column..<min(column + group.span, table.columns.count) { merged[i] = group.title.isEmpty }
            column += group.span
            boundaries.insert(min(column, table.columns.count))
        }
        let titleHeight = table.columns.map {
            measure($0.title, .headerBold, width: $0.width - 2 * g.padX, align: .center) + 2 * g.padY
        }.max() ?? 0
        let headerBottom = titleTop + titleHeight
        fill(x: x0, y: top, w: right - x0, h: headerBottom - top, grey: 0.9)
        setColor(0)
        column = 0
        for group in table.groups {
            let end = min(column + group.span, table.columns.count)
            if !group.title.isEmpty {
                cellText(group.title, .headerBold, x: xs[column], y: top, width: xs[end] - xs[column], center: true)
                rule(x1: xs[column], y1: titleTop, x2: xs[end], y2: titleTop, width: 0.4)
            }
            column = end
        }
        for (i, column) in table.columns.enumerated() {
            let y = merged[i] ? top + (headerBottom - top - titleHeight) / 2 : titleTop
            cellText(column.title, .headerBold, x: xs[i], y: y, width: column.width, center: true)
        }

        // Rows: each as tall as its tallest wrapped cell.
        var y = headerBottom
        for (r, row) in table.rows.enumerated() {
            // Each cell laid out once: measured for the row's height, then drawn.
            var layouts: [(Int, OpaquePointer, owned: Bool)] = []
            for (i, cell) in row.enumerated() where !cell.isEmpty && i < table.columns.count {
                let column = table.columns[i]
                layouts.append((i, layout(cell, .body, width: column.width - 2 * g.padX,
                                          align: column.alignment == .center ? .center : .left, shared: false),
                                cell.utf8.count > Self.cachedLength))
            }
            let tallest = layouts.map { height($0.1) }.max() ?? 0
            let rowHeight = max(tallest, TextMetrics.lineHeight(g.bodySize)) + 2 * g.padY
            if r % 2 == 1 { fill(x: x0, y: y, w: right - x0, h: rowHeight, grey: 0.955) }
            setColor(0)
            for (i, layout, owned) in layouts {
                cairo_move_to(cr, xs[i] + g.padX, y + g.padY)
                pango_cairo_show_layout(cr, layout)
                if owned { g_object_unref(UnsafeMutableRawPointer(layout)) }
            }
            y += rowHeight
            if r < table.rows.count - 1 { rule(x1: x0, y1: y, x2: right, y2: y, width: 0.25) }
        }

        // The frame, the header's rule, the columns' rules.
        rule(x1: x0, y1: top, x2: right, y2: top, width: 0.8)
        rule(x1: x0, y1: headerBottom, x2: right, y2: headerBottom, width: 0.8)
        rule(x1: x0, y1: y, x2: right, y2: y, width: 0.8)
        for (i, x) in xs.enumerated() {
            let fromTop = boundaries.contains(i) || (i > 0 && merged[i - 1]) || (i < merged.count && merged[i])
            let edge = i == 0 || i == xs.count - 1
            rule(x1: x, y1: fromTop ? top : titleTop, x2: x, y2: y, width: edge ? 0.8 : 0.35)
        }
        return y
    }

    // MARK: Drawing primitives

    private func setColor(_ grey: Double) { cairo_set_source_rgb(cr, grey, grey, grey) }

    private func rule(x1: Double, y1: Double, x2: Double, y2: Double, width: Double) {
        setColor(0)
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x1, y1)
        cairo_line_to(cr, x2, y2)
        cairo_stroke(cr)
    }

    private func fill(x: Double, y: Double, w: Double, h: Double, grey: Double) {
        setColor(grey)
        cairo_rectangle(cr, x, y, w, h)
        cairo_fill(cr)
    }

    private func cellText(_ s: String, _ font: Font, x: Double, y: Double, width: Double, center: Bool) {
        let g = PageGeometry.self
        let layout = self.layout(s, font, width: width - 2 * g.padX, align: center ? .center : .left)
        cairo_move_to(cr, x + g.padX, y + g.padY)
        pango_cairo_show_layout(cr, layout)
    }

    enum Align { case left, center, right }

    /// Draws wrapped text; returns its height.
    @discardableResult
    private func text(_ s: String, _ font: Font, x: Double, y: Double, width: Double, align: Align = .left) -> Double {
        let layout = self.layout(s, font, width: width, align: align)
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, layout)
        return height(layout)
    }

    private func measure(_ s: String, _ font: Font, width: Double, align: Align) -> Double {
        height(layout(s, font, width: width, align: align))
    }

    private func height(_ layout: OpaquePointer) -> Double {
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        return Double(h) / Double(PANGO_SCALE)
    }

    /// Texts up to this many bytes are laid out once per book and kept.
    static let cachedLength = 16

    /// A laid-out text: cached for short texts; else the one scratch layout
    /// (`shared`), or a new one the caller releases.
    private func layout(_ s: String, _ font: Font, width: Double, align: Align, shared: Bool = true) -> OpaquePointer {
        let short = s.utf8.count <= Self.cachedLength
        let key = CacheKey(text: s, font: font, width: Int(width * 100), align: align)
        if short, let cached = cache[key] { return cached }
        let layout: OpaquePointer
        if short {
            layout = pango_layout_new(pango)
            cache[key] = layout
        } else if shared {
            if scratch == nil { scratch = pango_layout_new(pango) }
            layout = scratch!
        } else {
            layout = pango_layout_new(pango)
        }
        pango_layout_set_font_description(layout, description(font))
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_alignment(layout, align == .center ? PANGO_ALIGN_CENTER : align == .right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT)
        pango_layout_set_text(layout, s, -1)
        return layout
    }

    private func description(_ font: Font) -> OpaquePointer {
        if let known = fonts[font] { return known }
        let description = pango_font_description_from_string("DejaVu Sans")!
        pango_font_description_set_absolute_size(description, font.spec.size * Double(PANGO_SCALE))
        if font.spec.bold { pango_font_description_set_weight(description, PANGO_WEIGHT_BOLD) }
        fonts[font] = description
        return description
    }
}
