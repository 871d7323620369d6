import Yams

/// Reads typed values out of manifest nodes, noting each problem at the node's line instead of
/// stopping at the first, so one run of `sweep render` lists everything wrong.
final class ManifestValues {
    let file: String
    var problems: [ManifestProblem] = []

    init(file: String) {
        self.file = file
    }

    func report(_ node: Node?, _ message: String) {
        report(line: node?.mark?.line, message)
    }

    func report(line: Int?, _ message: String) {
        problems.append(ManifestProblem(file: file, line: line, message: message))
    }

    /// Notes the problem and gives nothing, so a parse closure can `return reject(...)`.
    func reject<T>(_ node: Node?, _ message: String) -> T? {
        report(node, message)
        return nil
    }

    /// A mapping's entries by key; unknown and repeated keys are problems.
    func entries(of mapping: Node.Mapping, known: [String], what: String) -> [String: Node] {
        var entries: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                report(keyNode, "expected a plain \(what)")
                continue
            }
            guard known.contains(key) else {
                report(keyNode, "unknown \(what) '\(key)'\(DidYouMean.hint(for: key, among: known))")
                continue
            }
            if entries[key] != nil { report(keyNode, "\(what) '\(key)' appears twice") }
            entries[key] = value
        }
        return entries
    }

    /// A sequence's items, or a scalar as a list of one.
    func items(_ node: Node) -> [Node] {
        if case let .sequence(sequence) = node { return Array(sequence) }
        return [node]
    }

    /// Every item parsed (the failures noted); `fallback` when the key is absent.
    func list<T>(_ node: Node?, key: String, default fallback: [T], _ parse: (Node) -> T?) -> [T] {
        guard let node else { return fallback }
        let items = items(node)
        if items.isEmpty { report(node, "\(key) is an empty list: expected at least one value") }
        return items.compactMap(parse)
    }

    func string(_ node: Node, key: String) -> String? {
        guard case let .scalar(scalar) = node else { return reject(node, "\(key): expected text, not a list or mapping") }
        return scalar.string
    }

    func number(_ node: Node, key: String) -> Double? {
        guard let text = string(node, key: key) else { return nil }
        guard let value = Double(text) else { return reject(node, "\(key) '\(text)': expected a number") }
        return value
    }

    func integer(_ node: Node, key: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, key: key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            return reject(node, "\(key) '\(text)': expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func seed(_ node: Node) -> UInt64? {
        guard let text = string(node, key: "seed") else { return nil }
        guard let value = UInt64(text) else { return reject(node, "seed '\(text)': expected a whole number from 0 to \(UInt64.max)") }
        return value
    }

    /// `seeds`: a number, a list of numbers, `"A-B"` ranges (inclusive) or `{start, count}`.
    func seedList(_ node: Node) -> [UInt64] {
        if case let .mapping(mapping) = node {
            let entries = entries(of: mapping, known: ["start", "count"], what: "seeds key")
            guard let startNode = entries["start"], let countNode = entries["count"] else {
                report(node, "seeds: a mapping needs start and count, e.g. {start: 1, count: 8}")
                return []
            }
            guard let start = seed(startNode), let count = integer(countNode, key: "seeds count", in: 1...1_000_000) else { return [] }
            guard start <= UInt64.max - UInt64(count - 1) else { return reject(node, "seeds: start + count passes \(UInt64.max)") ?? [] }
            return (0..<UInt64(count)).map { start + $0 }
        }
        if items(node).isEmpty { report(node, "seeds is an empty list: expected at least one seed") }
        return items(node).flatMap { item -> [UInt64] in
            guard let text = string(item, key: "seeds") else { return [] }
            if let value = UInt64(text) { return [value] }
            let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            guard bounds.count == 2, let low = bounds[0], let high = bounds[1], low <= high, high - low < 1_000_000 else {
                report(item, "seeds '\(text)': expected a whole number or a range such as 1-8")
                return []
            }
            return Array(low...high)
        }
    }
}
