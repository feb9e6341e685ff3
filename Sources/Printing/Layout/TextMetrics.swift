/// Conservative estimates of DejaVu Sans text: pages are cut by these, so a
/// page never holds more than it can show, and the cut is the same wherever
/// the book is recomputed (no font needed to verify a page).
public enum TextMetrics {
    /// A line's height for a font size: DejaVu Sans ascent + descent is 1.164 em.
    public static func lineHeight(_ size: Double) -> Double { size * 1.2 }

    /// DejaVu Sans advances in em, as Pango measures them (regular weight);
    /// a character not listed counts as 1 em.
    static let advances: [Unicode.Scalar: Double] = {
        let table: [(Double, String)] = [
            (0.275, "'"),
            (0.278, "ijl"),
            (0.295, "IJ"),
            (0.318, " .,·"),
            (0.337, ":;|/"),
            (0.352, "f"),
            (0.361, "-"),
            (0.390, "()[]"),
            (0.392, "t"),
            (0.401, "!"),
            (0.411, "r"),
            (0.460, "\""),
            (0.500, "§–"),
            (0.521, "s"),
            (0.525, "гz"),
            (0.532, "з"),
            (0.549, "э"),
            (0.550, "сc"),
            (0.557, "L"),
            (0.575, "F"),
            (0.579, "k"),
            (0.583, "т"),
            (0.589, "вь"),
            (0.591, "ч"),
            (0.592, "ухvxy"),
            (0.602, "я"),
            (0.603, "РP"),
            (0.604, "к"),
            (0.609, "У"),
            (0.610, "Г"),
            (0.611, "ТTY"),
            (0.612, "оo«»"),
            (0.613, "аa"),
            (0.615, "еёe"),
            (0.617, "б"),
            (0.632, "ЕЁE"),
            (0.634, "hnu"),
            (0.635, "рbdgpqS"),
            (0.636, "0123456789"),
            (0.639, "л"),
            (0.641, "З"),
            (0.650, "ий"),
            (0.654, "нп"),
            (0.656, "K"),
            (0.681, "ц"),
            (0.684, "АAV"),
            (0.685, "ХXZ"),
            (0.686, "БВЧЬB"),
            (0.691, "д"),
            (0.695, "ЯR"),
            (0.698, "СЭC"),
            (0.707, "ъ"),
            (0.710, "К"),
            (0.732, "U"),
            (0.748, "ИЙN"),
            (0.752, "ЛНПH"),
            (0.754, "м"),
            (0.770, "D"),
            (0.775, "G"),
            (0.776, "Ц"),
            (0.781, "Д"),
            (0.787, "ОOQ"),
            (0.790, "ы"),
            (0.818, "w"),
            (0.833, "Ъ"),
            (0.838, "→"),
            (0.842, "ю"),
            (0.855, "ф"),
            (0.861, "Ф"),
            (0.863, "МM"),
            (0.882, "Ы"),
            (0.901, "ж"),
            (0.915, "ш"),
            (0.942, "щ"),
            (0.974, "m"),
            (0.989, "W"),
            (1.000, "—"),
            (1.040, "№"),
            (1.069, "Ш"),
            (1.077, "Ж"),
            (1.080, "Ю"),
            (1.094, "Щ"),
        ]
        var out: [Unicode.Scalar: Double] = [:]
        for (width, characters) in table { for c in characters.unicodeScalars { out[c] = width } }
        return out
    }()

    /// The same for the scalars below U+0500 (Latin, Cyrillic), looked up by index:
    /// every cell of every page is measured.
    static let lowAdvances: [Double] = (0..<0x500).map { advances[Unicode.Scalar($0)!] ?? 1.0 }

    /// Bold is about 8 % wider; the rest is margin for kerning and rounding.
    static func advance(_ c: Unicode.Scalar, bold: Bool) -> Double {
        let em = c.value < 0x500 ? lowAdvances[Int(c.value)] : advances[c] ?? 1.0
        return em * (bold ? 1.12 : 1.03)
    }

    public static func width(_ text: Substring, size: Double, bold: Bool = false) -> Double {
        text.unicodeScalars.reduce(0) { $0 + advance($1, bold: bold) } * size
    }

    /// Lines of `text` wrapped at word boundaries (words wider than the line
    /// broken anywhere) in `width` points.
    public static func lines(_ text: String, width: Double, size: Double, bold: Bool = false) -> Int {
        guard width > 0 else { return 1 }
        let space = advance(" ", bold: bold) * size
        var count = 0
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            count += 1
            var used = 0.0
            for word in paragraph.split(separator: " ") {
                let w = self.width(word, size: size, bold: bold)
                if used > 0, used + space + w <= width {
                    used += space + w
                    continue
                }
                if used > 0 { count += 1 }
                if w <= width {
                    used = w
                } else {
                    let extra = Int((w / width).rounded(.up)) - 1
                    count += extra
                    used = w - Double(extra) * width
                }
            }
        }
        return count
    }

    /// The height of a cell of `text` in a column `width` wide.
    public static func cellHeight(_ text: String, width: Double, size: Double, bold: Bool = false) -> Double {
        Double(lines(text, width: width - 2 * PageGeometry.padX, size: size, bold: bold)) * lineHeight(size) + 2 * PageGeometry.padY
    }

    /// A row's height: its tallest cell.
    public static func rowHeight(_ cells: [String], _ columns: [PageTable.Column], size: Double, bold: Bool = false) -> Double {
        zip(cells, columns).map { cellHeight($0, width: $1.width, size: size, bold: bold) }.max() ?? 0
    }
}
