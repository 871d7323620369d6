import Foundation
import Yams

/// Reads typed values out of manifest nodes, noting each problem at the node's line instead of
/// stopping at the first, so one run of `sweep render` lists everything wrong.
final class ManifestValues {
    let file: String
    var problems: [ManifestProblem] = []
    /// Things that render, but maybe not as the user meant (duplicates merged, prompts truncated).
    var warnings: [ManifestProblem] = []

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

    func warn(line: Int?, file: String? = nil, _ message: String) {
        warnings.append(ManifestProblem(file: file ?? self.file, line: line, message: message))
    }

    /// A mapping's entries by key; unknown and repeated keys are problems. `aliases` maps names
    /// other tools use (A1111, diffusers) to ours, for the hint.
    func entries(of mapping: Node.Mapping, known: [String], what: String, aliases: [String: String] = [:]) -> [String: Node] {
        var entries: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                report(keyNode, "expected a plain \(what)")
                continue
            }
            guard known.contains(key) else {
                let hint = aliases[key.lowercased()].map { " (did you mean '\($0)'?)" } ?? DidYouMean.hint(for: key, among: known)
                report(keyNode, "unknown \(what) '\(key)'\(hint)")
                continue
            }
            if entries[key] != nil { report(keyNode, "\(what) '\(key)' appears twice") }
            entries[key] = Self.placed(value, at: keyNode.mark)
        }
        return entries
    }

    /// A value whose problems as a whole belong on its key's line: a list's own mark is its first
    /// item's, and an alias's is where its anchor was defined, far from the key. Items keep theirs.
    private static func placed(_ value: Node, at mark: Mark?) -> Node {
        switch value {
        case var .scalar(scalar):
            scalar.mark = mark
            return .scalar(scalar)
        case var .sequence(sequence):
            sequence.mark = mark
            return .sequence(sequence)
        case var .mapping(mapping):
            mapping.mark = mark
            return .mapping(mapping)
        }
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
        guard case .sequence = node else { return items.compactMap(parse) }
        return items.enumerated().compactMap { index, item in naming(entry: index, of: key) { parse(item) } }
    }

    /// Runs `body` with its problems naming the list entry, `prompts[2]: empty prompt`, so
    /// entries on one line (a flow list) are told apart.
    func naming<T>(entry index: Int, of key: String, _ body: () -> T) -> T {
        let before = problems.count
        let value = body()
        for i in before..<problems.count {
            let problem = problems[i]
            let message = problem.message.hasPrefix(key + " ") || problem.message.hasPrefix(key + ":")
                ? "\(key)[\(index)]" + problem.message.dropFirst(key.count) : "\(key)[\(index)]: " + problem.message
            problems[i] = ManifestProblem(file: problem.file, line: problem.line, message: message)
        }
        return value
    }

    func string(_ node: Node, key: String) -> String? {
        scalar(node, key: key, expected: "text")
    }

    /// The scalar's text; a list or mapping is a problem naming what was `expected` instead.
    func scalar(_ node: Node, key: String, expected: String) -> String? {
        switch node {
        case let .scalar(scalar): return scalar.string
        case .sequence: return reject(node, "\(key): expected \(expected), not a list")
        default: return reject(node, "\(key): expected \(expected), not a mapping")
        }
    }

    func number(_ node: Node, key: String) -> Double? {
        guard let text = scalar(node, key: key, expected: "a number") else { return nil }
        guard let value = Double(text) else { return reject(node, "\(key) '\(text)': expected a number") }
        return value
    }

    func integer(_ node: Node, key: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = scalar(node, key: key, expected: "a whole number") else { return nil }
        guard let value = Int(text), range.contains(value) else {
            return reject(node, "\(key) '\(text)': expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func seed(_ node: Node) -> UInt64? {
        guard let text = scalar(node, key: "seed", expected: "a whole number") else { return nil }
        guard let value = UInt64(text) else { return reject(node, "seed '\(text)': expected a whole number from 0 to \(UInt64.max)") }
        return value
    }

    /// A1111's `-1`: a seed drawn at random when the job renders.
    static func isRandomSeed(_ node: Node) -> Bool { node.scalar?.string.trimmingCharacters(in: .whitespaces) == "-1" }

    /// `seeds`: a number, a list of numbers, `"A-B"` ranges (inclusive) or `{start, count}`; nil
    /// for each `-1` (a random seed).
    func seedList(_ node: Node) -> [UInt64?] {
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
        return list(node, key: "seeds", default: []) { item -> [UInt64?]? in
            if Self.isRandomSeed(item) { return [nil] }
            guard let text = scalar(item, key: "seeds", expected: "a whole number or a range such as 1-8") else { return nil }
            if let value = UInt64(text) { return [value] }
            let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            guard bounds.count == 2, let low = bounds[0], let high = bounds[1], low <= high, high - low < 1_000_000 else {
                return reject(item, "seeds '\(text)': expected a whole number or a range such as 1-8")
            }
            return (low...high).map { $0 }
        }.flatMap { $0 }
    }
}
