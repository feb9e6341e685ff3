/// A line of text outside a table: the title page, the certification, a note.
public struct PageLine: Sendable, Equatable {
    public enum Style: Sendable {
        case title, large, normal, small
    }

    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .normal) {
        self.text = text
        self.style = style
    }
}

/// A ruled table of one page; widths are in points.
public struct PageTable: Sendable, Equatable {
    public enum Alignment: Sendable { case leading, center }

    public struct Column: Sendable, Equatable {
        public var title: String
        public var width: Double
        public var alignment: Alignment

        public init(_ title: String, _ width: Double, _ alignment: Alignment = .leading) {
            self.title = title
            self.width = width
            self.alignment = alignment
        }
    }

    /// A heading over `span` adjacent columns (a month over its days).
    public struct Group: Sendable, Equatable {
        public var title: String
        public var span: Int
    }

    public var groups: [Group] = []
    public var columns: [Column]
    public var rows: [[String]]
}

/// One sheet of the book.
public struct BookPage: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case title, contents, grid, lessons, summary, attendance, corrections, certification
    }

    public var kind: Kind
    /// The running head: what the page holds.
    public var heading: String
    /// Text above the table, or the whole page without one.
    public var lines: [PageLine] = []
    public var table: PageTable?
    /// 1-based; set when the book is assembled.
    public var number = 0
}
