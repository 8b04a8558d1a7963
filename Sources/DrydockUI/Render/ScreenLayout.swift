/// Where each part of the screen goes, for a given state and size. The reducer uses it for paging and mouse
/// clicks, the renderer to draw, so both agree on which row is where.
struct ScreenLayout: Equatable {
    static let minimum = GridSize(rows: 6, cols: 20)

    var size: GridSize
    var titleRow = 0
    var bannerRows: Range<Int>
    var headerRow: Int?
    var body: Range<Int>
    var filterRow: Int?
    var statusRow: Int
    var footerRow: Int

    var tooSmall: Bool { size.rows < Self.minimum.rows || size.cols < Self.minimum.cols }
    var bodyHeight: Int { body.count }

    /// Banner lines shown: persistent ones, then the one-shot message; at most 3.
    static func banners(_ state: AppState) -> [Banner] {
        Array((state.banners + (state.message.map { [$0] } ?? [])).suffix(3))
    }

    init(_ state: AppState, showsHeader: Bool) {
        size = state.size
        let rows = max(state.size.rows, Self.minimum.rows)
        footerRow = rows - 1
        statusRow = rows - 2
        let list = state.top.list
        let hasFilter = list.editingFilter || !list.filter.isEmpty
        filterRow = hasFilter ? rows - 3 : nil
        let bottom = rows - (hasFilter ? 3 : 2)
        // Banners give way before the list drops below two rows.
        let wanted = Self.banners(state).count
        let bannerCount = max(0, min(wanted, bottom - 1 - (showsHeader ? 1 : 0) - 2))
        bannerRows = 1..<(1 + bannerCount)
        var next = 1 + bannerCount
        if showsHeader {
            headerRow = next
            next += 1
        } else {
            headerRow = nil
        }
        body = next..<max(next, bottom)
    }
}
