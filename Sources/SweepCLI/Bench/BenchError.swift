/// A benchmark run that measured something outside the limit it was given.
enum BenchError: Error, CustomStringConvertible {
    case memoryOverBudget(overheadGiB: Double, limitGiB: Double)

    var description: String {
        switch self {
        case let .memoryOverBudget(overhead, limit):
            "peak memory exceeded the weights by \(String(format: "%.2f", overhead)) GiB, more than the \(limit) GiB allowed"
        }
    }
}
