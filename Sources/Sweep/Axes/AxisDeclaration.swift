import Foundation
import StableDiffusion

/// Everything about one sweepable setting, in one place: its manifest key and aliases, how a
/// value is read and checked, what it sets in the generation request, and how it is shown (grid
/// label, PNG text, CSV column, grid file name) and identified (task id). Values travel as their
/// canonical text (what `parse` returns), so a job, its tasks and `job.yaml` hold them as is.
///
/// A setting at its default enters neither the task id nor the PNG text nor the CSV, so adding
/// an axis leaves the ids and files of every existing job as they were.
public struct AxisDeclaration: Sendable {
    /// How a value enters the task id (the hash of `RenderTask.identity`).
    public enum Identity: Sendable {
        /// One of the settings every id has held since the first release, written by
        /// `RenderTask.identity` in its frozen order.
        case frozen
        /// `key=value` after the frozen fields, only when the value is not the default.
        case whenNotDefault(key: String)
        /// `key=content(value)` when not the default: what the value stands for (a file's hash),
        /// where its text also holds where it is.
        case content(key: String, @Sendable (String) -> String)
    }

    /// Whether tasks with different values may share one UNet batch (`RenderTask.batchKey`).
    public enum Batching: Sendable {
        /// Any values batch together (the value only changes the inputs of one image).
        case any
        /// Only tasks with the same value (the value changes the loop, the model or the decoder).
        case sameValue
        /// Tasks whose values map to the same text batch together.
        case sameKey(@Sendable (String) -> String)
    }

    /// The manifest key, e.g. `guidance`.
    public let axis: SweepAxis
    /// Other names the manifest accepts for the key (AUTOMATIC1111's, diffusers').
    public let aliases: [String]
    /// What one value is, for the message when a list or mapping stands where a value should: `a number`.
    public let expects: String
    /// The default value's canonical text; `model` describes the job's model when it could be read.
    public let defaultValue: @Sendable (_ model: ModelDescription?) -> String?
    /// One manifest value (a scalar's text) as canonical text, or why it is not valid ("expected …").
    public let parse: @Sendable (_ text: String, _ context: AxisContext) -> Result<String, AxisValueError>
    /// Sets the value in the request the pipeline renders (nothing for settings the renderer reads
    /// from the task itself, such as the decoder).
    public let apply: @Sendable (_ value: String, _ request: inout GenerationRequest) -> Void
    /// The grid label, in A1111's X/Y plot wording: `CFG scale: 7`.
    public let label: @Sendable (_ value: String) -> String
    /// The value as ids, the CSV and grid file names show it (a decoder path as its folder name).
    public let display: @Sendable (_ value: String) -> String
    /// A1111's key in the PNG `parameters` text (`Clip skip`); nil for settings `GenerationParameters`
    /// writes itself. Written only when the value is not the default.
    public let pngKey: String?
    /// The `manifest.csv` column, present when some task of the job has a value other than the
    /// default; nil for the columns `ManifestCSV` writes itself.
    public let csvColumn: String?
    public let identity: Identity
    public let batching: Batching
    /// Whether the value changes the image of a task with these settings (eta only for DDIM);
    /// where it does not, the task takes the default and equal tasks are made once.
    public let applies: @Sendable (_ settings: [SweepAxis: String]) -> Bool

    public init(axis: SweepAxis, aliases: [String] = [], expects: String = "text", defaultValue: @escaping @Sendable (ModelDescription?) -> String?,
                parse: @escaping @Sendable (String, AxisContext) -> Result<String, AxisValueError>,
                apply: @escaping @Sendable (String, inout GenerationRequest) -> Void, label: @escaping @Sendable (String) -> String,
                display: @escaping @Sendable (String) -> String = { $0 }, pngKey: String? = nil, csvColumn: String? = nil,
                identity: Identity, batching: Batching = .sameValue,
                applies: @escaping @Sendable ([SweepAxis: String]) -> Bool = { _ in true }) {
        self.axis = axis
        self.aliases = aliases
        self.expects = expects
        self.defaultValue = defaultValue
        self.parse = parse
        self.apply = apply
        self.label = label
        self.display = display
        self.pngKey = pngKey
        self.csvColumn = csvColumn
        self.identity = identity
        self.batching = batching
        self.applies = applies
    }

    /// Whether `value` is the default (for a model-independent default).
    public func isDefault(_ value: String) -> Bool { defaultValue(nil) == value }

    /// What a grid file name shows for the value: its display text with only file-safe characters.
    public func fileNamePart(_ value: String) -> String { FileNamePart.sanitized(display(value)) }
}

/// What parsing a value may need besides its text.
public struct AxisContext: Sendable {
    /// The manifest's folder: relative paths are relative to it.
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    /// `path` made absolute against the manifest's folder.
    public func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL.path
    }
}

/// Why a manifest value is not valid: the whole message after the key, e.g. `eta 2: expected a number from 0 to 1`.
public struct AxisValueError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
