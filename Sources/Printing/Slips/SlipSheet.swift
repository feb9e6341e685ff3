import CCairo
import Foundation

/// Login slips on A4 sheets to cut apart: two columns by four rows, eight to a
/// page, with dashed cut lines between them. Drawn by Cairo, text laid out by
/// Pango in DejaVu Sans (the login and password in DejaVu Sans Mono, so that
/// each character is plain to read). The PDF is made in memory: the passwords
/// on it never touch the disk unless the caller writes the file.
public enum SlipSheet {
    public static let columns = 2
    public static let rows = 4
    public static var perPage: Int { columns * rows }

    /// A4 portrait, in points.
    static let width = 595.28
    static let height = 841.89
    /// Space inside each slip, around its text.
    static let inset = 18.0

    /// What was drawn.
    public struct Report: Sendable {
        public var slips = 0
        public var pages = 0
        /// Slips whose text ran past their cell (a very long name).
        public var overflows: [Int] = []
    }

    /// The PDF of `slips`, eight to a page; `title` is the document's title.
    public static func pdf(_ slips: [LoginSlip], title: String) throws -> (data: Data, report: Report) {
        let sink = Sink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        guard let surface = cairo_pdf_surface_create_for_stream({ closure, bytes, length in
            guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<Sink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
            return CAIRO_STATUS_SUCCESS
        }, context, width, height), cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw PrintError("cannot create the slips' PDF")
        }
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Letopis")
        let report = withExtendedLifetime(sink) { Drawing(surface: surface).draw(slips) }
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PrintError("cannot write the slips' PDF: \(String(cString: cairo_status_to_string(status)))")
        }
        return (sink.data, report)
    }

    /// Writes the PDF of `slips` to `path`.
    @discardableResult
    public static func write(_ slips: [LoginSlip], title: String, to path: String) throws -> Report {
        let (data, report) = try pdf(slips, title: title)
        // The file holds passwords: readable by its owner only.
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw PrintError("cannot write \(path)")
        }
        return report
    }

    private final class Sink {
        var data = Data()
    }

    /// One document's drawing: its context, Pango context and fonts.
    private final class Drawing {
        let cr: OpaquePointer
        let pango: OpaquePointer
        var fonts: [String: OpaquePointer] = [:]

        init(surface: OpaquePointer) {
            cr = cairo_create(surface)
            pango = pango_cairo_create_context(cr)
            let options = cairo_font_options_create()
            cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
            pango_cairo_context_set_font_options(pango, options)
            cairo_font_options_destroy(options)
        }

        deinit {
            for font in fonts.values { pango_font_description_free(font) }
            g_object_unref(UnsafeMutableRawPointer(pango))
            cairo_destroy(cr)
        }

        func draw(_ slips: [LoginSlip]) -> Report {
            var report = Report()
            let cellWidth = SlipSheet.width / Double(SlipSheet.columns)
            let cellHeight = SlipSheet.height / Double(SlipSheet.rows)
            var index = 0
            repeat {
                let page = slips.dropFirst(index).prefix(SlipSheet.perPage)
                for (place, slip) in page.enumerated() {
                    let x = Double(place % SlipSheet.columns) * cellWidth
                    let y = Double(place / SlipSheet.columns) * cellHeight
                    if !drawSlip(slip, x: x, y: y, width: cellWidth, height: cellHeight) { report.overflows.append(index + place + 1) }
                }
                cutLines(cellWidth: cellWidth, cellHeight: cellHeight)
                cairo_show_page(cr)
                report.pages += 1
                index += page.count
            } while index < slips.count
            report.slips = slips.count
            return report
        }

        /// Dashed lines between the slips, across the whole sheet, each with scissors.
        private func cutLines(cellWidth: Double, cellHeight: Double) {
            cairo_set_source_rgb(cr, 0.45, 0.45, 0.45)
            cairo_set_line_width(cr, 0.6)
            var dashes: [Double] = [4, 3]
            cairo_set_dash(cr, &dashes, 2, 0)
            for column in 1..<SlipSheet.columns {
                let x = Double(column) * cellWidth
                cairo_move_to(cr, x, 0)
                cairo_line_to(cr, x, SlipSheet.height)
            }
            for row in 1..<SlipSheet.rows {
                let y = Double(row) * cellHeight
                cairo_move_to(cr, 0, y)
                cairo_line_to(cr, SlipSheet.width, y)
            }
            cairo_stroke(cr)
            cairo_set_dash(cr, nil, 0, 0)
            for row in 1..<SlipSheet.rows {
                _ = text("✂", font: "DejaVu Sans", size: 9, bold: false, x: 4, y: Double(row) * cellHeight - 6.5, width: 12)
            }
        }

        /// One slip in its cell; false when its text ran past the cell.
        private func drawSlip(_ slip: LoginSlip, x: Double, y: Double, width: Double, height: Double) -> Bool {
            let inset = SlipSheet.inset
            let left = x + inset
            let textWidth = width - 2 * inset
            let labelWidth = 104.0
            var top = y + inset - 4
            cairo_set_source_rgb(cr, 0, 0, 0)
            top += text(slip.heading, font: "DejaVu Sans", size: 9, bold: true, x: left, y: top, width: textWidth) + 5
            top += text(slip.invitation, font: "DejaVu Sans", size: 10, bold: false, x: left, y: top, width: textWidth) + 5
            var fields: [(String, String, Bool)] = []
            if !slip.className.isEmpty { fields.append(("Класс:", slip.className, false)) }
            fields += [("Логин:", slip.login, true), ("Временный пароль:", slip.password, true)]
            for (label, value, mono) in fields {
                let labelHeight = text(label, font: "DejaVu Sans", size: 9.5, bold: false, x: left, y: top + (mono ? 3 : 0),
                                       width: labelWidth)
                let valueHeight = text(value, font: mono ? "DejaVu Sans Mono" : "DejaVu Sans", size: mono ? 14 : 10, bold: true,
                                       x: left + labelWidth, y: top, width: textWidth - labelWidth)
                top += max(labelHeight, valueHeight) + 3
            }
            top += 2
            top += text("Где войти: \(slip.signInAt)", font: "DejaVu Sans", size: 9, bold: false, x: left, y: top, width: textWidth) + 4
            top += text("\(slip.firstSteps) \(slip.validity)", font: "DejaVu Sans", size: 8.5, bold: false, x: left, y: top,
                        width: textWidth) + 3
            cairo_set_source_rgb(cr, 0.3, 0.3, 0.3)
            top += text(slip.issued, font: "DejaVu Sans", size: 7.5, bold: false, x: left, y: top, width: textWidth)
            return top <= y + height - 4
        }

        /// Draws wrapped text; returns its height.
        private func text(_ s: String, font: String, size: Double, bold: Bool, x: Double, y: Double, width: Double) -> Double {
            let layout = pango_layout_new(pango)!
            defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
            pango_layout_set_font_description(layout, description(font, size: size, bold: bold))
            pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
            pango_layout_set_text(layout, s, -1)
            cairo_move_to(cr, x, y)
            pango_cairo_show_layout(cr, layout)
            var w: Int32 = 0, h: Int32 = 0
            pango_layout_get_size(layout, &w, &h)
            return Double(h) / Double(PANGO_SCALE)
        }

        private func description(_ family: String, size: Double, bold: Bool) -> OpaquePointer {
            let key = "\(family)|\(size)|\(bold)"
            if let known = fonts[key] { return known }
            let description = pango_font_description_from_string(family)!
            pango_font_description_set_absolute_size(description, size * Double(PANGO_SCALE))
            if bold { pango_font_description_set_weight(description, PANGO_WEIGHT_BOLD) }
            fonts[key] = description
            return description
        }
    }
}
