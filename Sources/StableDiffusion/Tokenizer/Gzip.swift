import CZlib
import Foundation

/// gzip decompression through the system's zlib (Foundation on Linux has no compression API).
enum Gzip {
    static func decompress(_ data: Data, name: String) throws(TokenizerError) -> Data {
        var stream = z_stream()
        guard swift_inflate_init_gzip(&stream) == Z_OK else { throw .unreadable(file: name, reason: "zlib cannot start") }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var status: Int32 = Z_OK
        var input = [UInt8](data)
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while status == Z_OK {
                chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(buffer.baseAddress!, count: buffer.count - Int(stream.avail_out))
                }
            }
        }
        guard status == Z_STREAM_END else {
            throw .unreadable(file: name, reason: "not a complete gzip stream (zlib status \(status))")
        }
        return output
    }
}
