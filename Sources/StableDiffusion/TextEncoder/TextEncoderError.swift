/// Token sequences the text encoder cannot embed.
public enum TextEncoderError: Error, CustomStringConvertible, Equatable {
    case tokenOutOfRange(id: Int, vocabularySize: Int)
    case badSequenceLengths([Int], maxPositions: Int)
    case badClipSkip(Int, layers: Int)

    public var description: String {
        switch self {
        case let .tokenOutOfRange(id, size): "token id \(id) is outside the text encoder's vocabulary of \(size)"
        case let .badSequenceLengths(lengths, maxPositions):
            "text encoder needs sequences of one length from 1 to \(maxPositions), got lengths \(lengths)"
        case let .badClipSkip(clipSkip, layers):
            "clip skip \(clipSkip): expected 1 (the last layer) to \(layers) (this text encoder's layer count)"
        }
    }
}
