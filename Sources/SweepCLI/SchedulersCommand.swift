import ArgumentParser
import StableDiffusion

/// `sweep schedulers`: every scheduler with the names it answers to and what it does.
struct SchedulersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedulers",
        abstract: "List the schedulers (samplers): our name, A1111's name, other accepted aliases, and what each does.",
        discussion: """
            Any of the names is accepted by --scheduler and by a manifest's scheduler key, ignoring \
            case, spaces, '-' and '_' ("DPM++ 2M Karras", "dpmpp_2m_karras" and "dpm++2m-karras" are one).
            """
    )

    func run() {
        print(SchedulerKind.allCases.map { kind in
            "\(kind.rawValue)  (A1111: \(kind.samplerName); also: \(kind.aliases.joined(separator: ", ")))\n    \(kind.summary)"
        }.joined(separator: "\n"))
    }
}
