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

    /// Too many lines: the middle goes, "…" marks where, and the start and end both stay.
    @Test func textPastTheLineLimitIsElidedInTheMiddle() {
        let wrapper = LineWrapper(maxWidth: 100, measure: { $0.count * 10 })
        let text = "a portrait of an old sailor with a grey beard, oil painting, dramatic lighting, by rembrandt"
        let lines = wrapper.lines(text, maxLines: 2)
        #expect(lines == ["a portrai…", "rembrandt"])
        #expect(wrapper.lines(text, maxLines: 3) == ["a portrait", "of an old…", "rembrandt"])
        #expect(wrapper.lines(text, maxLines: 1) == ["a por…andt"])
        #expect(wrapper.lines(text, maxLines: 20) == wrapper.lines(text))
    }
}
