/// The sheet, in points: A4 landscape, a wider left margin for the binding.
/// Pagination and the renderer share these numbers.
public enum PageGeometry {
    public static let width = 841.89
    public static let height = 595.28
    public static let left = 45.0
    public static let right = 28.0
    public static let top = 26.0
    public static let bottom = 24.0
    /// The running head above the content.
    public static let headHeight = 22.0
    /// The footer: two small lines.
    public static let footHeight = 26.0

    public static var contentWidth: Double { width - left - right }
    public static var contentTop: Double { top + headHeight }
    public static var contentBottom: Double { height - bottom - footHeight }
    public static var contentHeight: Double { contentBottom - contentTop }

    /// Font sizes.
    public static let bodySize = 8.0
    public static let headerSize = 7.0
    public static let lineSize = 9.0
    public static let footSize = 6.5
    public static let headingSize = 10.5

    /// Cell padding.
    public static let padX = 2.5
    public static let padY = 1.8
    /// Space between the lines above a table and the table.
    public static let linesGap = 6.0
}
