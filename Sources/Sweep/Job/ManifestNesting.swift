/// Bounds a manifest's nesting before Yams sees it: its parser recurses once per level, so a few
/// thousand nested `[` or indented `- ` overflow the stack. A job needs a handful of levels.
enum ManifestNesting {
    static let maximumDepth = 100

    /// The first line where flow brackets (outside quotes and comments) or block indentation go
    /// deeper than `maximumDepth`, or nil.
    static func firstTooDeepLine(in text: String) -> Int? {
        var depth = 0
        var quote: Unicode.Scalar?
        var line = 1, atLineStart = true, indentation = 0, inComment = false
        var previous: Unicode.Scalar = "\n"
        var escaped = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                (line, atLineStart, indentation, inComment) = (line + 1, true, 0, false)
                previous = scalar
                continue
            }
            if atLineStart {
                // Each block level takes at least one column of spaces or a "- " / "? " / ": " marker.
                if scalar == " " || scalar == "\t" || scalar == "-" || scalar == "?" || scalar == ":" {
                    indentation += 1
                    if indentation > 4 * maximumDepth { return line }
                } else {
                    atLineStart = false
                }
            }
            defer { previous = scalar }
            if inComment { continue }
            if let open = quote {
                // In double quotes a backslash escapes the next character; a doubled '' in single
                // quotes closes and at once reopens, which needs no special case.
                if escaped {
                    escaped = false
                } else if open == "\"" && scalar == "\\" {
                    escaped = true
                } else if scalar == open {
                    quote = nil
                }
                continue
            }
            switch scalar {
            // A quote only opens a scalar where one can start, as in YAML: "a cat's [" is plain text.
            case "\"", "'": if " \t\n[{,:-?".unicodeScalars.contains(previous) { quote = scalar }
            case "#" where previous == " " || previous == "\t" || previous == "\n": inComment = true
            case "[", "{":
                depth += 1
                if depth > maximumDepth { return line }
            case "]", "}": depth = max(0, depth - 1)
            default: break
            }
        }
        return nil
    }
}
