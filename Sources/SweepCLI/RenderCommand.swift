import ArgumentParser
import Cluster
import Foundation
import StableDiffusion
import Sweep
import Tensors

/// `sweep render JOB.yaml`: every task of a job manifest, written as images, grids and CSV,
/// alone or spread over the ranks of an MPI launch.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a job manifest (prompts × seeds × guidance × steps × schedulers × sizes) to PNGs, grids and CSV.",
        discussion: """
            JOB.yaml (or .json) names a model folder, prompts (or a prompts_file .txt/.csv) and the \
            sweep axes: seeds, guidance, steps, scheduler, size, prompt_replace, decoder. The whole manifest \
            is checked before anything renders and every problem is listed with its line.
            Output (default out/<name>/): job.yaml (the manifest with defaults filled in), \
            images/<id>.png with AUTOMATIC1111 "parameters" text, manifest.csv (one row per image, \
            manifest order), grids/<name>.png (labeled comparison grids) or, with grid: none, a \
            Kaggle-style prompts.csv, and journal (finished tasks). With dataset: (formats kaggle, \
            imagefolder, diffusiondb; shard_size; embeddings) images go to images/<shard>/ with the \
            formats' metadata, prompt embeddings and safety flags (README, "Building an \
            image-to-prompt dataset").
            Running the same command again renders only images that are missing, corrupt or made \
            from something else (the journal records each image's model content hash and \
            settings, so replacing the weights in the model folder renders again exactly the \
            images it made), moves images no longer in the job to orphans/ and rewrites the CSV \
            files and grids. The folder belongs to one job (owner.json): another job is refused; \
            --force renders everything again and takes the folder over.
            The task count, the images still to render and a rough time estimate are printed \
            before rendering; jobs of more than 10,000,000 images need --allow-huge. Ctrl-C stops \
            at the next step, keeping every finished image (exit status 130); rerun to resume. One \
            run at a time may write a folder: a second one stops, naming the first's pid and host.
            Under mpirun or srun every rank renders: rank 0 hands out tasks, renders too, and \
            writes every file, so other nodes need the model folder (at the same path) but no \
            shared filesystem. The output is the same whatever the number of ranks. See \
            cluster/README.md. Examples are in Jobs/.
            """
    )

    @Argument(help: "The job manifest (YAML or JSON).")
    var job: String

    @Option(help: "Output folder (default: out/<name> in the current folder).")
    var output: String?

    @Option(help: "Threads per rank for our kernels (default: the node's cores ÷ the ranks on the node).")
    var threads: Int?

    @Flag(help: "Render every image again, ignoring what an earlier run finished, and take over a folder of another job.")
    var force = false

    @Option(help: ArgumentHelp("GEMM precision of every image, overriding the manifest's precision: float32 or bf16 (bfloat16 "
                               + "operands, float32 sums; needs AVX512-BF16). bf16 images get ids of their own.", valueName: "float32|bf16"))
    var precision: String?

    @Option(help: "Tasks a rank renders together, one UNet call per step for all (overrides the manifest's batch; same images).")
    var batch: Int?

    @Option(help: "How prompts are read, for the whole job (overrides the manifest's prompt_syntax): a1111 or plain.")
    var promptSyntax: String?

    @Flag(help: "Render a job of more than 10,000,000 images.")
    var allowHuge = false

    @Option(help: ArgumentHelp("A StableDiffusionSafetyChecker folder whose nsfw flag and score each image gets in the metadata (overrides the manifest's safety_checker).", valueName: "dir"))
    var safetyChecker: String?

    @Flag(help: "Show the resolved job, the task count, how many are already done, the grids and a time estimate; render and write nothing.")
    var dryRun = false

    static let imageLimit = 10_000_000

    func run() throws {
        try ThreadCount.check(threads)
        if let batch, !(1...64).contains(batch) { throw RenderCommandError.badBatch(batch) }
        if dryRun { return try showDryRun() }
        guard MPIRuntime.isLaunchedByMPI else {
            return try renderAlone(ComputeContext(threads: threads ?? ThreadCount.cores))
        }
        let mpi = try MPIRuntime()
        let ranksOnNode = try mpi.ranksOnThisNode()
        let compute = ComputeContext(threads: threads ?? max(1, ThreadCount.cores / ranksOnNode))
        if mpi.rank == 0 {
            let prepared: Prepared
            let job: Data
            do {
                prepared = try prepare()
                job = try ClusterCodec.encode(prepared.job)
            } catch {
                // Said before the other ranks are let go: they then exit with a failure, and mpirun
                // stops the job at the first one, which could cut rank 0 off before its message.
                log("Error: " + Self.message(for: error))
                _ = try mpi.broadcast(Data())
                try mpi.finish()
                throw ExitCode.failure
            }
            _ = try mpi.broadcast(job)
            var progress = start(prepared.output, ranks: mpi.size, threads: compute.threads)
            let interruption = Interruption()
            try Coordinator(mpi: mpi, output: prepared.output, compute: compute, log: log).run { result in
                log(progress.line(for: result))
            } checkpoint: {
                // mpirun and srun signal every rank; workers keep going until this ends the job.
                if interruption.isRequested { interrupted(prepared.output, progress: progress) { mpi.abort(code: Interruption.exitCode) } }
            }
            try finish(prepared, progress: progress)
        } else {
            // An empty broadcast: rank 0 found the manifest wrong and reports it.
            let data = try mpi.broadcast(Data())
            guard !data.isEmpty else {
                try mpi.finish()
                throw ExitCode.failure
            }
            let job: Job
            do { job = try ClusterCodec.decode(Job.self, from: data) } catch {
                log("Error: rank \(mpi.rank) (\(mpi.processorName)): the job from rank 0: \(error)")
                mpi.abort(code: 1)
            }
            let interruption = Interruption()
            try Worker(channel: mpi, job: job, compute: compute).run { interruption.isRequested }
        }
        try mpi.finish()
    }

    private func renderAlone(_ compute: ComputeContext) throws {
        let prepared = try prepare()
        let output = prepared.output
        var progress = start(output, ranks: 1, threads: compute.threads)
        let status = StatusLine(), interruption = Interruption()
        var renderer = RankRenderer(job: prepared.job, rank: 0, host: ProcessInfo.processInfo.hostName, compute: compute)
        var queue = TaskQueue(output.pending)
        while case let tasks = queue.next(for: 0, count: prepared.job.batch), !tasks.isEmpty {
            let results = try renderer.render(tasks) { step in
                if interruption.isRequested { interrupted(output, progress: progress, status: status) { Interruption.exit() } }
                status.show(progress.status(step: step))
            }
            for (task, result) in zip(tasks, results) {
                try output.record(result, of: task)
                // Resident memory and the pool's buffers so far, after each image: from the second image on
                // the pool hands out the buffers it kept, so both stay flat.
                let pool = renderer.poolUsage.map { "  pool: \($0)" } ?? ""
                let line = progress.line(for: result) + "  resident \(ResidentMemory.gib(ResidentMemory.currentBytes))" + pool
                status.report(status.isTerminal ? progress.status() : line, plain: true)
            }
            if interruption.isRequested { interrupted(output, progress: progress, status: status) { Interruption.exit() } }
        }
        try finish(prepared, progress: progress, status: status)
    }

    private typealias Prepared = (job: Job, grids: GridRenderer?, output: JobOutput, lock: OutputLock)

    /// Everything checked and the output folder ready, before any model loads.
    private func prepare() throws -> Prepared {
        var job = try readJob()
        // Before any rendering, so a machine without fonts fails at once rather than after hours.
        let grids = try job.grid.map { _ in try GridRenderer(fonts: LabelFonts.system()) }
        try checkModel(job)
        let folder = folder(of: job)
        let lock = try OutputLock(folder: folder)
        let (model, decoderHashes, datasetModels) = try hashes(of: &job)
        let output = try JobOutput(job: job, folder: folder, owner: OutputOwner(job: job.name, manifest: self.job),
                                   modelHash: model.sha256, decoderHashes: decoderHashes, datasetModels: datasetModels, force: force)
        if let epoch = try DatasetModels.sourceDateEpoch() { output.now = { epoch } }
        output.notes.forEach(log)
        return (job, grids, output, lock)
    }

    /// The manifest read, --batch applied and its -1 seeds filled: taken from the output folder's
    /// job.yaml when an earlier run of the job drew them (so a rerun resumes), drawn otherwise.
    private func readJob() throws -> Job {
        var job = try ManifestReader.read(self.job) { log("warning: \($0)") }
        if let batch { job.batch = batch }
        if let promptSyntax {
            guard let syntax = PromptSyntax(rawValue: promptSyntax) else { throw GenerateError.unknownPromptSyntax(promptSyntax) }
            job.values[.promptSyntax] = [syntax.rawValue]
        }
        if let precision { job.values[.precision] = [try PrecisionOption.parse(precision).rawValue] }
        if let safetyChecker {
            job.safetyChecker = URL(fileURLWithPath: safetyChecker).standardizedFileURL.path
            _ = try SafetyChecker(directory: safetyChecker)
        }
        if !job.randomSeedSlots.isEmpty {
            let recorded = force ? nil : try? ManifestReader.read(folder(of: job) + "/job.yaml")
            var generator = SystemRandomNumberGenerator()
            job = job.drawingRandomSeeds(recorded: recorded, using: &generator)
        }
        let count = job.tasks().count
        guard count <= Self.imageLimit || allowHuge else { throw RenderCommandError.huge(count, limit: Self.imageLimit) }
        return job
    }

    /// Configs and weight headers (the model's, and each replacement VAE's on the decoder axis), before the output folder exists.
    private func checkModel(_ job: Job) throws {
        do {
            try job.modelSource().check()
            for decoder in job.decoders.compactMap({ $0 }) where DecoderKind(decoder) == .replacementVAE {
                try ModelSource(model: job.model, config: job.config, vae: decoder).check()
            }
        } catch { throw RenderError.model(error) }
        // Clip skip's bound is the model's layer count, known only now.
        let layers: Int
        do { layers = try job.modelSource().textEncoderConfig().layers } catch { throw RenderError.model(error) }
        if let clipSkip = job.values(of: .clipSkip).map(AxisParsing.int).first(where: { $0 > layers }) {
            throw RenderCommandError.clipSkip(clipSkip, layers: layers)
        }
    }

    /// The content hashes of the model (with its overlays) and of each TAESD decoder, by path.
    /// Also sets the job's A1111 `Model hash` when the model is one file.
    private func hashes(of job: inout Job) throws -> (model: ModelIdentity, decoders: [String: String], dataset: DatasetModels) {
        let cache = FileHashCache.userCache()
        var announced = false
        let announce = { (_: String) in
            if !announced { log("hashing the model's files (once; the hashes are kept in \(cache.path ?? "memory only"))") }
            announced = true
        }
        let model = try ModelIdentity(model: job.model, config: job.config, vae: job.vae, loras: job.loras.map(\.path), cache: cache,
                                      hashing: announce)
        // Per decoder, so adding TAESD to a job leaves the images decoded by the VAE as they are.
        var decoderHashes: [String: String] = [:]
        for decoder in job.decoders.compactMap({ $0 }) {
            decoderHashes[decoder] = try ModelIdentity(model: decoder, cache: cache, hashing: announce).sha256
        }
        let datasetModels = try DatasetModels(job: job, cache: cache, hashing: announce)
        cache.save()
        job.modelShortHash = model.files[""].map(ContentHash.a1111Short)
        return (model, decoderHashes, datasetModels)
    }

    /// `--dry-run`: what a render would do, on stdout; nothing rendered, the output folder untouched.
    private func showDryRun() throws {
        var job = try readJob()
        try checkModel(job)
        let folder = folder(of: job)
        let (model, decoderHashes, datasetModels) = try hashes(of: &job)
        let total = job.tasks().count
        let done = JobOutput.finishedCount(job: job, folder: folder, modelHash: model.sha256, decoderHashes: decoderHashes,
                                           datasetModels: datasetModels)
        let cores = threads ?? ProcessInfo.processInfo.processorCount
        print(try DryRunReport(job: job, folder: folder, total: total, done: done, estimate: RenderEstimate(job: job), cores: cores).text)
    }

    private func folder(of job: Job) -> String { output ?? "out/\(job.name)" }

    private func start(_ output: JobOutput, ranks: Int, threads: Int) -> ProgressLog {
        let done = output.taskCount - output.pendingCount
        log("\(output.job.name): \(output.taskCount) image(s), \(done) already done, \(output.pendingCount) to render; "
            + "\(ranks) rank(s), \(threads) thread(s) each; output in \(output.folder.path)")
        if output.pendingCount > 0, let estimate = RenderEstimate(job: output.job) {
            let seconds = estimate.seconds(images: output.pendingCount, cores: ranks * threads)
            log("estimate: about \(ProgressLog.duration(seconds)) (\(String(format: "%.2g", estimate.secondsPerImageOnOneCore)) "
                + "core-seconds per image, from the model's size; the ETA below is measured)")
        }
        return ProgressLog(total: output.taskCount, alreadyDone: done)
    }

    private func finish(_ prepared: Prepared, progress: ProgressLog, status: StatusLine = StatusLine(isTerminal: false)) throws {
        let output = prepared.output
        try output.writeManifests()
        let grids = try prepared.grids.map { try output.writeGrids(with: $0) } ?? []
        let page = try output.writeBrowsePage()
        progress.summary().forEach(status.print)
        let csv = ["manifest.csv"] + (output.job.dataset != nil ? output.datasetFiles : output.job.grid == nil ? ["prompts.csv"] : [])
        status.print("wrote \(folder(of: output.job)): \(progress.imagesDone) images, \(csv.joined(separator: ", ")), "
                     + "\(grids.count) grid\(grids.count == 1 ? "" : "s")" + (page ? ", index.html" : ""))
        withExtendedLifetime(prepared.lock) {}
    }

    /// Ctrl-C or SIGTERM between images or steps: the CSV files caught up with the journal, a
    /// line saying how far the job got, then `end` (which ends the process).
    private func interrupted(_ output: JobOutput, progress: ProgressLog, status: StatusLine = StatusLine(isTerminal: false),
                             end: () -> Never) -> Never {
        try? output.writeManifests()
        _ = try? output.writeBrowsePage()
        status.print("interrupted: \(progress.imagesDone) of \(progress.total) images done; rerun the same command to resume")
        end()
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Flags `sweep render` rejects before any work.
enum RenderCommandError: Error, CustomStringConvertible {
    case badBatch(Int)
    case huge(Int, limit: Int)
    case clipSkip(Int, layers: Int)

    var description: String {
        switch self {
        case let .badBatch(count): "--batch \(count): expected a whole number from 1 to 64"
        case let .clipSkip(clipSkip, layers): "clip_skip \(clipSkip): expected 1 to \(layers) (the model's text encoder has \(layers) layers)"
        case let .huge(count, limit):
            "the job has \(count == .max ? "more than \(Int.max)" : "\(count)") images, more than the limit of \(limit); "
                + "pass --allow-huge to render it anyway"
        }
    }
}
