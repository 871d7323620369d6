/// CLIP's byte-level BPE model, as the `tokenizers` BPE with `end_of_word_suffix="</w>"` runs it:
/// every UTF-8 byte of a word is one symbol (spelt with GPT-2's `bytes_to_unicode` characters), the
/// last symbol carries `</w>`, and the adjacent pair with the lowest merge rank is merged until none
/// is left. Merging works on ids, so encoding never builds strings.
struct ByteLevelBPE: Sendable {
    /// One line of merges.txt; `line` is only for error messages.
    struct Merge: Sendable {
        var left: String
        var right: String
        var line: Int
    }

    private struct Merged: Sendable {
        var rank: Int32
        var id: Int32
    }

    /// Token id of each byte inside a word, and at a word's end (with `</w>`); -1 when absent.
    private let byteIDs: [Int32]
    private let finalByteIDs: [Int32]
    private let merges: [UInt64: Merged]
    private let unknownID: Int32

    /// `merges` in rank order. As in `tokenizers`, a pair listed twice keeps its later rank, and a
    /// merge whose parts or result are missing from the vocabulary is an error.
    init(vocabulary: [String: Int], merges: [Merge], unknownID: Int, mergesFile: String) throws(TokenizerError) {
        let characters = Self.byteCharacters.map { String($0) }
        byteIDs = characters.map { vocabulary[$0].map(Int32.init) ?? -1 }
        finalByteIDs = characters.map { vocabulary[$0 + "</w>"].map(Int32.init) ?? -1 }
        var table: [UInt64: Merged] = [:]
        table.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            var ids: [Int32] = []
            for token in [merge.left, merge.right, merge.left + merge.right] {
                guard let id = vocabulary[token] else {
                    throw .mergeNotInVocabulary(file: mergesFile, line: merge.line, token: token)
                }
                ids.append(Int32(id))
            }
            table[Self.key(ids[0], ids[1])] = Merged(rank: Int32(rank), id: ids[2])
        }
        self.merges = table
        self.unknownID = Int32(unknownID)
    }

    /// Appends the ids of one pre-token given as UTF-8 bytes.
    func encode(word bytes: [UInt8], into ids: inout [Int]) {
        guard !bytes.isEmpty else { return }
        // Bytes missing from the vocabulary become the unknown token one by one (fuse_unk=False).
        var symbols = bytes.indices.map { i -> Int32 in
            let id = i == bytes.count - 1 ? finalByteIDs[Int(bytes[i])] : byteIDs[Int(bytes[i])]
            return id >= 0 ? id : unknownID
        }
        // `tokenizers`' Word::merge_all: symbols form a linked list and candidate merges wait in a
        // queue ordered by rank, then position, so a long word costs n·log n rather than n².
        // A queued merge is stale once either side has merged into something else.
        var next = Array(1...symbols.count), previous = Array(-1..<(symbols.count - 1))
        var alive = [Bool](repeating: true, count: symbols.count)
        var queue = MergeQueue()
        for i in 0..<(symbols.count - 1) {
            let pair = merged(symbols[i], symbols[i + 1])
            if pair.id >= 0 { queue.push(.init(rank: pair.rank, position: Int32(i), id: pair.id)) }
        }
        while let top = queue.pop() {
            let left = Int(top.position)
            let right = next[left]
            guard alive[left], right < symbols.count, merged(symbols[left], symbols[right]).id == top.id else { continue }
            symbols[left] = top.id
            alive[right] = false
            next[left] = next[right]
            if next[left] < symbols.count { previous[next[left]] = left }
            if previous[left] >= 0 {
                let pair = merged(symbols[previous[left]], symbols[left])
                if pair.id >= 0 { queue.push(.init(rank: pair.rank, position: Int32(previous[left]), id: pair.id)) }
            }
            if next[left] < symbols.count {
                let pair = merged(symbols[left], symbols[next[left]])
                if pair.id >= 0 { queue.push(.init(rank: pair.rank, position: top.position, id: pair.id)) }
            }
        }
        for (symbol, isAlive) in zip(symbols, alive) where isAlive { ids.append(Int(symbol)) }
    }

    private func merged(_ left: Int32, _ right: Int32) -> Merged {
        merges[Self.key(left, right)] ?? Merged(rank: .max, id: -1)
    }

    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// The byte each of `byteCharacters` stands for.
    static let byteOfCharacter: [Unicode.Scalar: UInt8] =
        Dictionary(uniqueKeysWithValues: byteCharacters.enumerated().map { ($1, UInt8($0)) })

    /// GPT-2's `bytes_to_unicode`: printable Latin-1 bytes stand for themselves, the other 68 bytes
    /// take the characters from U+0100 on, in byte order, so every byte has a visible character.
    static let byteCharacters: [Unicode.Scalar] = {
        let printable = Set(Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF))
        var characters: [Unicode.Scalar] = []
        var next: UInt16 = 0x100
        for byte in 0...255 {
            if printable.contains(byte) {
                characters.append(Unicode.Scalar(UInt8(byte)))
            } else {
                characters.append(Unicode.Scalar(next)!)  // U+0100…U+0143, always valid scalars
                next += 1
            }
        }
        return characters
    }()
}
