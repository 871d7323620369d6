@testable import Sweep
import Testing

@Suite struct CSVTests {
    static let hostile = ["plain", "a, comma", "\"quoted\" words", "two\nlines", "crlf\r\nline", "  spaces  ", "",
                          "富士山の夕焼け, 🌅", "tab\there", "\"", ",", "=1+2", "Ω≈ç√"]

    @Test func hostileFieldsRoundTrip() throws {
        let records = [["prompt", "n"]] + Self.hostile.enumerated().map { [$1, String($0)] }
        let parsed = try CSV.parse(CSV.file(records))
        #expect(parsed.map(\.fields) == records)
    }

    @Test func quotingFollowsRFC4180() {
        #expect(CSV.record(["a", "b c", "d,e", "say \"hi\"", "x\ny"]) == "a,b c,\"d,e\",\"say \"\"hi\"\"\",\"x\ny\"")
        #expect(CSV.file([["a"], ["b"]]) == "a\r\nb\r\n")
    }

    @Test func recordsKnowTheirStartingLine() throws {
        let parsed = try CSV.parse("\u{FEFF}h1,h2\n\"multi\nline\",2\n\nlast,3")
        #expect(parsed.map(\.line) == [1, 2, 4, 5])
        #expect(parsed.map(\.fields) == [["h1", "h2"], ["multi\nline", "2"], [""], ["last", "3"]])
        #expect(throws: CSV.ParseError.unterminatedQuote(line: 2)) { try CSV.parse("a\n\"open,1\n2") }
    }
}
