@testable import Sweep
import Testing

/// Wrapping with every character 10 pixels wide, so expected lines can be worked out by hand.
@Suite struct LineWrapperTests {
    func wrap(_ text: String, width: Int) -> [String] {
        LineWrapper(maxWidth: width, measure: { $0.count * 10 }).lines(text)
    }

    @Test func breaksAtSpacesBetweenWords() {
        #expect(wrap("a photo of an astronaut riding a horse", width: 150) == ["a photo of an", "astronaut", "riding a horse"])
    }

    @Test func splitsAWordWiderThanTheLine() {
        #expect(wrap("xx supercalifragilistic", width: 60) == ["xx", "superc", "alifra", "gilist", "ic"])
    }

    @Test func breaksBetweenJapaneseCharactersButNotBeforeClosingPunctuation() {
        #expect(wrap("富士山の夕焼け。", width: 30) == ["富士山", "の夕焼", "け。"])
        #expect(wrap("Mt 富士山", width: 40) == ["Mt 富", "士山"])
    }

    @Test func newlinesAlwaysBreakAndBlankTextHasNoLines() {
        #expect(wrap("Seed: 42\n\nCFG scale: 7.5 ", width: 1000) == ["Seed: 42", "", "CFG scale: 7.5"])
        #expect(wrap("  \n ", width: 100).isEmpty)
    }
}
