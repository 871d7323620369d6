/// The version `sweep --version` prints; the one place it is written.
enum SweepVersion {
    static let string = "0.1.0"
}
