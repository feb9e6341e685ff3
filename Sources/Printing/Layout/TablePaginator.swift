/// Cuts a table's rows into pages by their estimated heights, the header
/// repeated on each page, as a paper journal continues a list on the next sheet.
enum TablePaginator {
    static func headerHeight(_ table: PageTable) -> Double {
        let size = PageGeometry.headerSize
        let groups = table.groups.isEmpty ? 0 : TextMetrics.lineHeight(size) + 2 * PageGeometry.padY
        return groups + TextMetrics.rowHeight(table.columns.map(\.title), table.columns, size: size, bold: true)
    }

    /// The rows of `table` in pages of at most `height` points (lines above
    /// the table taking `reserved`); always at least one page, if empty.
    static func split(_ table: PageTable, height: Double = PageGeometry.contentHeight, reserved: Double = 0) -> [PageTable] {
        let room = height - reserved - headerHeight(table)
        var pages: [PageTable] = []
        var current: [[String]] = []
        var used = 0.0
        for row in table.rows {
            let h = TextMetrics.rowHeight(row, table.columns, size: PageGeometry.bodySize)
            if !current.isEmpty, used + h > room {
                pages.append(PageTable(groups: table.groups, columns: table.columns, rows: current))
                current = []
                used = 0
            }
            current.append(row)
            used += h
        }
        if !current.isEmpty || pages.isEmpty {
            pages.append(PageTable(groups: table.groups, columns: table.columns, rows: current))
        }
        return pages
    }

    /// The height of lines above a table.
    static func linesHeight(_ lines: [PageLine]) -> Double {
        guard !lines.isEmpty else { return 0 }
        return lines.reduce(0) { sum, line in
            sum + Double(TextMetrics.lines(line.text, width: PageGeometry.contentWidth, size: PageGeometry.lineSize))
                * TextMetrics.lineHeight(PageGeometry.lineSize)
        } + PageGeometry.linesGap
    }
}
