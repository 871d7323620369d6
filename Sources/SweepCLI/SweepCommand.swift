import ArgumentParser

@main
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Stable Diffusion sweeps on CPU clusters: one full pipeline per MPI rank.",
        discussion: """
            Renders prompt × seed × guidance × … sweeps with Stable Diffusion 1.x/2.x models in \
            diffusers layout, spread over MPI ranks (mpirun or srun), gathering PNGs, labeled \
            comparison grids and a CSV manifest on rank 0.
            """,
        version: SweepVersion.string,
        subcommands: [GenerateCommand.self, RenderCommand.self, TokenizeCommand.self, EmbedCommand.self, InspectCommand.self, BenchCommand.self, SchedulersCommand.self, MPICheckCommand.self]
    )

    static func main() {
        MemoryPolicy.mapLargeBlocksSeparately()
        main(nil)
    }
}
