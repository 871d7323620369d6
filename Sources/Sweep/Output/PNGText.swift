import Foundation

/// PNG text chunks: a `tEXt` (Latin-1) or `iTXt` (UTF-8) chunk placed right after `IHDR`, where
/// A1111, ComfyUI and civitai look for generation parameters.
public enum PNGText {
    /// `png` with one text chunk `key` = `text` added; iTXt when `text` is not Latin-1.
    public static func adding(key: String, text: String, to png: Data) throws(PNGError) -> Data {
        let signatureAndHeader = 8 + 12 + 13  // signature, then IHDR: length, type, 13 data bytes, CRC
        guard png.count > signatureAndHeader, png.subdata(in: 12..<16) == Data("IHDR".utf8) else {
            throw .libpng("not a PNG stream with IHDR first")
        }
        guard let keyword = key.data(using: .isoLatin1), (1...79).contains(keyword.count) else {
            throw .libpng("PNG text keyword must be 1–79 Latin-1 characters: \(key)")
        }
        let chunk: Data
        if let latin1 = text.data(using: .isoLatin1) {
            chunk = Self.chunk("tEXt", keyword + [0] + latin1)
        } else {
            // keyword, NUL, compression flag 0, method 0, empty language tag and translated keyword.
            chunk = Self.chunk("iTXt", keyword + [0, 0, 0, 0, 0] + Data(text.utf8))
        }
        var out = png.prefix(signatureAndHeader)
        out.append(chunk)
        out.append(png.dropFirst(signatureAndHeader))
        return out
    }

    /// Every tEXt and iTXt chunk's keyword and text.
    public static func texts(in png: Data) -> [String: String] {
        var texts: [String: String] = [:]
        var offset = 8
        let bytes = [UInt8](png)
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            guard offset + 12 + length <= bytes.count else { break }
            let body = Array(bytes[offset + 8..<offset + 8 + length])
            if let nul = body.firstIndex(of: 0) {
                let key = String(decoding: body[..<nul], as: UTF8.self)
                if type == "tEXt" {
                    texts[key] = String(data: Data(body[(nul + 1)...]), encoding: .isoLatin1)
                } else if type == "iTXt", nul + 3 <= body.count, body[nul + 1] == 0 {
                    // Skip the flags, then the language tag and translated keyword (each NUL-ended).
                    var rest = body[(nul + 3)...]
                    for _ in 0..<2 { rest = rest.drop { $0 != 0 }.dropFirst() }
                    texts[key] = String(decoding: rest, as: UTF8.self)
                }
            }
            offset += 12 + length
        }
        return texts
    }

    private static func chunk(_ type: String, _ data: Data) -> Data {
        let typed = Data(type.utf8) + data
        var out = Data()
        for value in [UInt32(data.count)] { withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) } }
        out.append(typed)
        withUnsafeBytes(of: CRC32.checksum(typed).bigEndian) { out.append(contentsOf: $0) }
        return out
    }
}

/// The CRC-32 (ISO 3309) PNG puts after each chunk.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    static func checksum(_ data: Data) -> UInt32 {
        ~data.reduce(~UInt32(0)) { table[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
    }
}
