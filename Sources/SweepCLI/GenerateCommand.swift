import ArgumentParser
import Cluster
import Foundation
import StableDiffusion
import Sweep
import Tensors

/// `sweep generate`: one prompt to one PNG, the image diffusers makes for the same settings.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Render one prompt to a PNG with a Stable Diffusion 1.x/2.x or SDXL model folder or checkpoint file.",
        discussion: """
            Gives the image diffusers' StableDiffusionPipeline (StableDiffusionXLPipeline for SDXL) gives for the same model folder (or \
            from_single_file for the same checkpoint file and --config), \
            prompt, negative prompt, seed (torch.Generator().manual_seed(seed)), steps, guidance, \
            scheduler and size. The PNG carries the settings as AUTOMATIC1111 "parameters" text. \
            Progress (step, s/step, time left) goes to stderr; Ctrl-C stops without writing (exit status 130). \
            With --safety-checker, the flag and score of diffusers' StableDiffusionSafetyChecker go to \
            stderr too ("safety checker: nsfw false, score -0.1234"); the image is written as it is either way.
            Schedulers: \(SchedulerKind.allCases.map(\.rawValue).joined(separator: " ")). Without \
            --scheduler, the model's own (scheduler/scheduler_config.json) is used.
            """
    )

    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var loraOptions: LoRAOptions

    // Unconditional, so a prompt may start with "-".
    @Option(parsing: .unconditional, help: "What to draw.")
    var prompt: String

    @Option(parsing: .unconditional, help: "What to steer away from (default: none: the empty prompt, or zero embeddings for SDXL).")
    var negativePrompt: String?

    @Option(name: .customLong("prompt-2"), parsing: .unconditional, help: "SDXL: the prompt of the second text encoder (default: --prompt).")
    var prompt2: String?

    @Option(name: .customLong("negative-prompt-2"), parsing: .unconditional,
            help: "SDXL: the negative prompt of the second text encoder (default: --negative-prompt).")
    var negativePrompt2: String?

    @Option(help: ArgumentHelp("SDXL micro-conditioning original_size (default: the image size).", valueName: "WxH"))
    var originalSize: String?

    @Option(help: ArgumentHelp("SDXL micro-conditioning crops_coords_top_left (default: 0,0).", valueName: "top,left"))
    var cropTopLeft: String?

    @Option(help: ArgumentHelp("SDXL micro-conditioning target_size (default: the image size).", valueName: "WxH"))
    var targetSize: String?

    // Numbers are read as text and parsed by us (CommandLineNumber): swift-argument-parser would
    // take `--seed -5` for a flag and say "Missing value" instead of what is wrong.
    @Option(parsing: .unconditional, help: "Seed of the image's noise (torch.manual_seed semantics; values past 2^32 use the low 32 bits); -1 draws one, as A1111 does, written in the PNG text.")
    var seed = "0"

    @Option(parsing: .unconditional, help: "Denoising steps (1 to 1000).")
    var steps = "50"

    @Option(parsing: .unconditional, help: "Classifier-free guidance scale; 1 or less runs unguided.")
    var guidance = "7.5"

    @Option(help: "Sampler: \(SchedulerKind.allCases.map(\.rawValue).joined(separator: " ")) (default: the model's own).")
    var scheduler: String?

    @Option(parsing: .unconditional, help: "DDIM's eta (0 deterministic … 1 ancestral).")
    var eta = "0"

    @Option(help: "How prompts are read: a1111 ((word:1.2), [word], BREAK, no 77-token limit) or plain (as diffusers, truncated at 77 tokens).")
    var promptSyntax = "a1111"

    @Option(parsing: .unconditional, help: "A1111's clip skip: 1 uses the text encoder's last layer, 2 the one before (diffusers' clip_skip=1).")
    var clipSkip = "1"

    @Option(parsing: .unconditional, help: "diffusers' guidance_rescale φ, 0 (off) to 1.")
    var guidanceRescale = "0"

    @Option(parsing: .unconditional, help: "Image width in pixels, a multiple of 8 up to 8192 (default: the model's native size).")
    var width: String?

    @Option(parsing: .unconditional, help: "Image height in pixels, a multiple of 8 up to 8192 (default: the model's native size).")
    var height: String?

    @Option(help: ArgumentHelp("Image-to-image: start from this PNG (diffusers' StableDiffusionImg2ImgPipeline). Without --width/--height the image's own size, rounded down to a multiple of 8; otherwise it is resized with Pillow's Lanczos filter, as diffusers' image processor does.", valueName: "file.png"))
    var initImage: String?

    @Option(parsing: .unconditional, help: "With --init-image: how far to noise it, above 0 up to 1 (int(steps × strength) steps run; default 0.8).")
    var strength: String?

    @Option(help: "Decode with this AutoencoderTiny (TAESD) folder instead of the model's VAE, as diffusers' vae=AutoencoderTiny does.")
    var decoder: String?

    @Option(help: "Threads for our kernels, 1 to the number of cores (default: all cores).")
    var threads: Int?

    @Option(help: PrecisionOption.help)
    var precision = "float32"

    @Option(help: ArgumentHelp("A StableDiffusionSafetyChecker folder (config.json, model.safetensors, and feature_extractor/ inside or beside it) whose nsfw flag and score to print on stderr.", valueName: "dir"))
    var safetyChecker: String?

    @Option(help: "Where to write the PNG (a name ending in .png).")
    var output: String

    func run() throws {
        var request = try makeRequest()
        let start = try initImage.map { path throws(InitImageError) in try InitImage(path: path) }
        request.initImage = start?.image
        try request.validate()
        try checkOutput()
        if MPIRuntime.isLaunchedByMPI, MPIRuntime.launchRank ?? 0 == 0 {
            FileHandle.standardError.write(Data(("warning: started by mpirun or srun: every rank renders this same image to "
                + "\(output); use `sweep render JOB.yaml` to spread a sweep over ranks\n").utf8))
        }
        let source = try modelOptions.source()
        let loras = try loraOptions.loras()
        let checker = try safetyChecker.map { try SafetyChecker(directory: $0) }
        let compute = ComputeContext(threads: threads ?? ThreadCount.cores)
        let pipeline = try TextToImagePipeline(model: source.loadModel(loras: loras),
                                               decoder: decoder.map { path throws(ModelError) in try AutoencoderTiny(directory: path) },
                                               compute: compute)
        let loraInfos = try loras.map { lora throws(LoRAError) in try LoRAInfo(lora) }
        try pipeline.model.checkSupports(request)
        let kind = try pipeline.schedulerKind(for: request)
        if request.eta != 0, !kind.usesEta {
            FileHandle.standardError.write(Data("warning: --eta \(eta) has no effect: only ddim uses eta, and this image uses \(kind.rawValue)\n".utf8))
        }
        warnAboutTruncation(request, tokenizer: pipeline.model.tokenizer)
        let status = StatusLine(), interruption = Interruption()
        var lastLine = Date.distantPast
        let image = try pipeline.generate(request) { progress in
            if interruption.isRequested {
                status.print("interrupted at step \(progress.step) of \(progress.steps): nothing written")
                Interruption.exit()
            }
            // Into a file: the first step, the last, and one line each 10 s between.
            let plain = progress.step == progress.steps || Date().timeIntervalSince(lastLine) >= 10
            if plain { lastLine = Date() }
            status.report(progress.description, plain: plain)
        }
        if let checker {
            // The score is the largest concept score (cos − threshold + adjustment); see SafetyChecker.Result.
            let (nsfw, score) = try compute.run { () throws in try checker.check(image) }
            status.print(String(format: "safety checker: nsfw %@, score %.4f", "\(nsfw)", score))
        }
        var parameters = GenerationParameters(request: request, scheduler: kind, image: image,
                                              model: source.name, vae: source.vae?.name,
                                              decoder: decoder.map { URL(fileURLWithPath: $0).lastPathComponent }, loras: loraInfos,
                                              imageToImage: start.map { ImageToImageInfo($0, strength: request.strength) })
        parameters.modelHash = try shortHash(ofCheckpoint: modelOptions.model)
        try OutputFile.write(parameters.png(of: image), to: output)
        status.print("wrote \(output)")
    }

    /// A1111's `Model hash` of a single checkpoint file (first 10 hex digits of its SHA-256,
    /// cached like `render`'s); nil for a diffusers folder.
    private func shortHash(ofCheckpoint path: String) throws -> String? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { return nil }
        let cache = FileHashCache.userCache()
        defer { cache.save() }
        return ContentHash.a1111Short(try cache.sha256(of: path))
    }

    private func makeRequest() throws -> GenerationRequest {
        var kind: SchedulerKind?
        if let scheduler {
            guard let named = SchedulerKind(name: scheduler) else {
                throw GenerateError.unknownScheduler(scheduler)
            }
            kind = named
        }
        if strength != nil, initImage == nil { throw GenerateError.strengthWithoutInitImage }
        guard let syntax = PromptSyntax(rawValue: promptSyntax) else { throw GenerateError.unknownPromptSyntax(promptSyntax) }
        var request = GenerationRequest(prompt: prompt, negativePrompt: negativePrompt,
                                 seed: seed == "-1" ? UInt64.random(in: Job.randomSeedRange)
                                     : try CommandLineNumber.whole(seed, flag: "--seed", in: 0...UInt64.max),
                                 steps: try CommandLineNumber.whole(steps, flag: "--steps", in: 1...1000),
                                 guidance: try CommandLineNumber.real(guidance, flag: "--guidance"), scheduler: kind,
                                 eta: try CommandLineNumber.real(eta, flag: "--eta"),
                                 width: try width.map { text throws(GenerateError) in try CommandLineNumber.whole(text, flag: "--width", in: 1...Int.max) },
                                 height: try height.map { text throws(GenerateError) in try CommandLineNumber.whole(text, flag: "--height", in: 1...Int.max) },
                                 precision: try PrecisionOption.parse(precision),
                                 prompt2: prompt2, negativePrompt2: negativePrompt2, microConditioning: try microConditioning())
        request.strength = try strength.map { text throws(GenerateError) in try CommandLineNumber.double(text, flag: "--strength") } ?? 0.8
        request.promptSyntax = syntax
        request.clipSkip = try CommandLineNumber.whole(clipSkip, flag: "--clip-skip", in: 1...Int.max)
        request.guidanceRescale = try CommandLineNumber.real(guidanceRescale, flag: "--guidance-rescale")
        return request
    }

    private func microConditioning() throws(GenerateError) -> MicroConditioning {
        func size(_ text: String?, _ flag: String) throws(GenerateError) -> MicroConditioning.Size? {
            guard let text else { return nil }
            guard let size = ImageSize(text) else { throw .badNumber(flag: flag, value: text, expected: "expected WIDTHxHEIGHT, e.g. 1024x1024") }
            return MicroConditioning.Size(width: size.width, height: size.height)
        }
        var crop: MicroConditioning.Crop?
        if let cropTopLeft {
            crop = MicroConditioning.Crop(cropTopLeft)
            if crop == nil { throw .badNumber(flag: "--crop-top-left", value: cropTopLeft, expected: "expected TOP,LEFT, e.g. 0,0") }
        }
        return MicroConditioning(originalSize: try size(originalSize, "--original-size"), cropTopLeft: crop,
                                 targetSize: try size(targetSize, "--target-size"))
    }

    /// CLIP sees 77 tokens; like diffusers, say what it drops (A1111's syntax drops nothing).
    private func warnAboutTruncation(_ request: GenerationRequest, tokenizer: CLIPTokenizer) {
        guard request.promptSyntax == .plain else { return }
        for (flag, text) in [("--prompt", request.prompt), ("--negative-prompt", request.negativePrompt),
                             ("--prompt-2", request.prompt2 ?? ""), ("--negative-prompt-2", request.negativePrompt2 ?? "")] {
            guard let dropped = tokenizer.truncatedText(text) else { continue }
            let line = "warning: \(flag): the following part was truncated because CLIP can only handle sequences up to "
                + "\(tokenizer.maxLength) tokens: '\(dropped)'\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    private func checkOutput() throws {
        try ThreadCount.check(threads)
        guard URL(fileURLWithPath: output).pathExtension.lowercased() == "png" else { throw GenerateError.notPNG(output) }
        try OutputFile.checkWritable(output)
    }
}
