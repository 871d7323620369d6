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
        // pairs[i] is what symbols[i] and symbols[i + 1] would merge into.
        var pairs = (0..<symbols.count - 1).map { merged(symbols[$0], symbols[$0 + 1]) }
        while true {
            // Lowest rank first, leftmost among equals, as the priority queue in `tokenizers` orders them.
            var best = -1
            var bestRank = Int32.max
            for (i, pair) in pairs.enumerated() where pair.rank < bestRank {
                best = i
                bestRank = pair.rank
            }
            guard best >= 0 else { break }
            symbols[best] = pairs[best].id
            symbols.remove(at: best + 1)
            pairs.remove(at: best)
            if best > 0 { pairs[best - 1] = merged(symbols[best - 1], symbols[best]) }
            if best < pairs.count { pairs[best] = merged(symbols[best], symbols[best + 1]) }
        }
        ids.append(contentsOf: symbols.lazy.map(Int.init))
    }

    private func merged(_ left: Int32, _ right: Int32) -> Merged {
        merges[Self.key(left, right)] ?? Merged(rank: .max, id: -1)
    }

    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

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
