import Testing
@testable import DrydockUI

/// The bars alone: shares at the edges, exact widths, Unicode eighths and the `#` fallback.
@Suite struct SizeBarTests {
    @Test func fractionAtTheEdges() {
        #expect(SizeBar.fraction(0, of: 0) == 0, "an empty store draws empty bars, no division by zero")
        #expect(SizeBar.fraction(5, of: 0) == 0)
        #expect(SizeBar.fraction(0, of: 100) == 0)
        #expect(SizeBar.fraction(100, of: 100) == 1)
        #expect(SizeBar.fraction(250, of: 100) == 1, "clamped")
        #expect(SizeBar.fraction(-3, of: 100) == 0)
        #expect(SizeBar.fraction(1, of: 1 << 40) > 0)
    }

    @Test func emptyFullAndHalf() {
        #expect(SizeBar.draw(0, width: 12, glyphs: .ascii) == "[          ]")
        #expect(SizeBar.draw(0, width: 12, glyphs: .unicode) == "[          ]")
        #expect(SizeBar.draw(1, width: 12, glyphs: .ascii) == "[##########]")
        #expect(SizeBar.draw(1, width: 12, glyphs: .unicode) == "[██████████]")
        #expect(SizeBar.draw(0.5, width: 10, glyphs: .ascii) == "[####    ]")
        #expect(SizeBar.draw(0.5, width: 10, glyphs: .unicode) == "[████    ]")
    }

    @Test func unicodeUsesEighths() {
        // 0.55 of 8 cells is 35.2 eighths: 4 full cells and 3 eighths.
        #expect(SizeBar.draw(0.55, width: 10, glyphs: .unicode) == "[████▍   ]")
        // The same share in ASCII rounds to whole cells.
        #expect(SizeBar.draw(0.55, width: 10, glyphs: .ascii) == "[####    ]")
        #expect(SizeBar.draw(1.0 / 80, width: 12, glyphs: .unicode) == "[▏         ]")
        #expect(!SizeBar.draw(0.3, width: 12, glyphs: .ascii).unicodeScalars.contains { !$0.isASCII })
    }

    @Test func oneHugeValueLeavesTheOthersVisible() {
        let huge: Int64 = 50 << 30
        let tiny = SizeBar.fraction(4096, of: huge)
        #expect(SizeBar.draw(tiny, width: 12, glyphs: .ascii) == "[#         ]", "more than 0 bytes never looks empty")
        #expect(SizeBar.draw(tiny, width: 12, glyphs: .unicode) == "[▏         ]")
        #expect(SizeBar.draw(SizeBar.fraction(huge, of: huge), width: 12, glyphs: .ascii) == "[##########]")
    }

    @Test func exactlyTheWidthAskedForEvenWhenNarrow() {
        for width in 3...24 {
            for step in 0...16 {
                let f = Double(step) / 16
                for glyphs in [SizeBar.Glyphs.ascii, .unicode] {
                    let bar = SizeBar.draw(f, width: width, glyphs: glyphs)
                    #expect(TextWidth.unicode.width(bar) == width, "\(bar) for \(f) at \(width)")
                }
            }
        }
        #expect(SizeBar.draw(1, width: 3, glyphs: .ascii) == "[#]")
        #expect(SizeBar.draw(1, width: 2, glyphs: .ascii) == "")
        #expect(SizeBar.draw(.nan, width: 6, glyphs: .unicode) == "[    ]")
    }
}
