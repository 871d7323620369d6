import Foundation
@testable import Sweep
import Testing

/// Inputs a new user brings (Windows files, other tools' key names, damaged or hostile files):
/// each is read as meant or refused with a one-line problem naming the file, line and entry.
@Suite struct ManifestInputTests {
    let fixture: ManifestFixture
    init() throws { fixture = try ManifestFixture() }

    func writeFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = fixture.folder.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func writeFile(_ name: String, _ text: String) throws -> String { try writeFile(name, Array(text.utf8)) }

    /// The job and the warnings reading it gave.
    func readWithWarnings(_ yaml: String) throws -> (Job, [String]) {
        var warnings: [String] = []
        let job = try ManifestReader.read(fixture.write(yaml)) { warnings.append($0.description) }
        return (job, warnings)
    }

    // MARK: - Line endings

    @Test func promptsFileLinesEndInLFCRLFOrCR() throws {
        _ = try writeFile("prompts.txt", "a cat\r\na dog\r\n\r\n  \r\nan owl\na fox\ra hen")
        let (job, _) = try readWithWarnings("model: MODEL\nprompts_file: prompts.txt\n")
        #expect(job.prompts.map(\.text) == ["a cat", "a dog", "an owl", "a fox", "a hen"])
        #expect(!job.prompts.contains { $0.text.contains("\r") })
    }

    @Test func csvPromptsFilesWithCRLF() throws {
        _ = try writeFile("prompts.csv", "prompt,seed\r\na cat,1\r\n\"a dog, running\",2\r\n\r\nan owl,3")
        let job = try fixture.read("model: MODEL\nprompts_file: prompts.csv\n")
        #expect(job.prompts.map(\.text) == ["a cat", "a dog, running", "an owl"])
        #expect(job.prompts.map(\.seed) == [1, 2, 3])
    }

    // MARK: - Files that are not what they should be

    @Test func aManifestThatIsNotUTF8NamesTheLine() throws {
        let path = try writeFile("latin1.yaml", Array("model: x\nprompts: [a cat]\nnegative_prompt: caf".utf8) + [0xE9, 0x0A])
        #expect(throws: ManifestError.unreadable(file: path, reason: "is not UTF-8 text (line 3); save it as UTF-8")) {
            try ManifestReader.read(path)
        }
    }

    @Test func aPromptsFileThatIsNotUTF8NamesTheLine() throws {
        _ = try writeFile("prompts.txt", Array("a cat\na dog\n".utf8) + [0x63, 0x61, 0x66, 0xE9, 0x0A])
        let problems = try fixture.problems("model: MODEL\nprompts_file: prompts.txt\n")
        #expect(problems.map(\.description) == ["prompts.txt: cannot read the prompts file: is not UTF-8 text (line 3); save it as UTF-8"])
    }

    @Test func aFolderOrMissingFileAsTheJobIsNamedAsSuch() throws {
        let folder = fixture.folder.path
        #expect(throws: ManifestError.unreadable(file: folder, reason: "is a folder, not a file")) { try ManifestReader.read(folder) }
        let missing = folder + "/nope.yaml"
        #expect(throws: ManifestError.unreadable(file: missing, reason: "no such file")) { try ManifestReader.read(missing) }
        #expect(ManifestError.unreadable(file: missing, reason: "no such file").description == "\(missing): cannot read the job manifest: no such file")
    }

    /// Reading a FIFO would block for ever and /dev/zero never ends; both said "You don't have permission".
    @Test func aFIFOOrDeviceAsThePromptsFileIsNamed() throws {
        let fifo = fixture.folder.appendingPathComponent("prompts.txt").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(try fixture.problems("model: MODEL\nprompts_file: prompts.txt\n").map(\.message)
                == ["cannot read the prompts file: is a named pipe (FIFO), not a regular file"])
        #expect(try fixture.problems("model: MODEL\nprompts_file: /dev/zero\n").map(\.message)
                == ["cannot read the prompts file: is a character device, not a regular file"])
    }

    @Test func csvRowsWithTooManyOrTooFewFieldsAreErrors() throws {
        _ = try writeFile("prompts.csv", "prompt,seed\na cat,1\na dog, running,2\nan owl\n\"a hen, white\",4\n")
        let problems = try fixture.problems("model: MODEL\nprompts_file: prompts.csv\n")
        #expect(problems.map(\.description) == [
            "prompts.csv:3: 3 field(s) but the header has 2 (quote a prompt that holds a comma)",
            "prompts.csv:4: 1 field(s) but the header has 2",
        ])
    }

    // MARK: - Messages

    @Test func problemsInListsNameTheirEntry() throws {
        let problems = try fixture.problems("model: MODEL\nprompts: [a cat, \"\", \" \"]\nguidance: [7, x, 1e39]\nseeds: [1, \"9-2\"]\n")
        #expect(problems.map(\.description).map { $0.replacingOccurrences(of: fixture.folder.path + "/", with: "") } == [
            "job.yaml:2: prompts[1]: empty prompt",
            "job.yaml:2: prompts[2]: empty prompt",
            "job.yaml:3: guidance[1] 'x': expected a number",
            "job.yaml:3: guidance[2] 1e+39: expected a finite number of 0 or more",
            "job.yaml:4: seeds[1] '9-2': expected a whole number or a range such as 1-8",
        ])
    }

    @Test func aListWhereANumberBelongsSaysANumber() throws {
        let problems = try fixture.problems("model: MODEL\nprompts: [a cat]\nbatch:\n  - 1\n  - 2\nsteps: {a: 1}\n")
        #expect(problems.map { "\($0.line ?? 0): \($0.message)" } == ["3: batch: expected a whole number, not a list",
                                                                      "6: steps: expected a whole number, not a mapping"])
    }

    @Test func problemsWithAnAliasPointAtTheKeyNotTheAnchor() throws {
        let problems = try fixture.problems("model: MODEL\nprompts: [a cat]\nseeds: &range {start: 1, count: 2}\n\nnegative_prompt: *range\n")
        #expect(problems.map { "\($0.line ?? 0): \($0.message)" } == ["5: negative_prompt: expected text, not a mapping"])
    }

    @Test(arguments: [("sampler", "scheduler"), ("sampler_name", "scheduler"), ("cfg_scale", "guidance"), ("guidance_scale", "guidance"),
                      ("width", "size"), ("height", "size"), ("num_inference_steps", "steps"), ("negative", "negative_prompt")])
    func keysFromA1111AndDiffusersSuggestOurs(_ theirs: String, _ ours: String) throws {
        let problems = try fixture.problems("model: MODEL\nprompts: [a cat]\n\(theirs): 5\n")
        #expect(problems.map(\.message) == ["unknown key '\(theirs)' (did you mean '\(ours)'?)"])
    }

    // MARK: - Warnings

    @Test func duplicatePromptsAreNamedWithTheirLines() throws {
        _ = try writeFile("prompts.txt", "a cat\na dog\na cat\r\nan owl\na dog\n")
        let (job, warnings) = try readWithWarnings("model: MODEL\nprompts_file: prompts.txt\n")
        #expect(job.tasks().count == 3)
        #expect(warnings == ["prompts.txt:3: 2 duplicate prompt(s) merged, each rendered once: "
                             + "'a cat' (line 3, same as line 1), 'a dog' (line 5, same as line 2)"])
    }

    /// Only plain text is truncated; A1111's syntax (the default) reads the rest in a second chunk.
    @Test func promptsPastCLIPsLimitWarnOncePerTextWithTheDroppedWords() throws {
        let long = Array(repeating: "cat", count: 75).joined(separator: " ") + " in a hat"
        let duplicate = "job.yaml:2: 1 duplicate prompt(s) merged, each rendered once: '\(long)' (line 2, same as line 2)"
        let (_, warnings) = try readWithWarnings("model: MODEL\nprompts: [\(long), a dog, \(long)]\nseeds: [1, 2]\nprompt_syntax: plain\n")
        #expect(warnings.map { $0.replacingOccurrences(of: fixture.folder.path + "/", with: "") } == [
            duplicate,
            "job.yaml:2: prompts[0]: the following part was truncated because CLIP can only handle sequences up to 77 tokens: 'in a hat'",
        ])
        let (_, a1111) = try readWithWarnings("model: MODEL\nprompts: [\(long), a dog, \(long)]\nseeds: [1, 2]\n")
        #expect(a1111.map { $0.replacingOccurrences(of: fixture.folder.path + "/", with: "") } == [duplicate])
    }

    // MARK: - Sizes and nesting that crashed

    @Test func sizesAreBoundedAndCheckedWithoutOverflow() throws {
        let problems = try fixture.problems("model: MODEL\nprompts: [a cat]\nsize: [99999992, 1099511627776x8, 4611686018427387904, 0, -8, 64x0, 9223372036854775807x9223372036854775807, 64]\n")
        #expect(problems.map(\.message) == [
            "size[0] 99999992: width 99999992: expected a positive multiple of 8 up to 8192",
            "size[1] 1099511627776x8: width 1099511627776: expected a positive multiple of 8 up to 8192",
            "size[2] 4611686018427387904: width 4611686018427387904: expected a positive multiple of 8 up to 8192",
            "size[3] 0: width 0: expected a positive multiple of 8 up to 8192",
            "size[4] -8: width -8: expected a positive multiple of 8 up to 8192",
            "size[5] '64x0': expected WIDTHxHEIGHT such as 512x768",
            "size[6] 9223372036854775807x9223372036854775807: width 9223372036854775807: expected a positive multiple of 8 up to 8192",
        ])
        #expect(try fixture.read("model: MODEL\nprompts: [a cat]\nsize: 8192x8\n").sizes == [ImageSize(width: 8192, height: 8)])
    }

    /// Yams' parser recursed until the stack overflowed at a few thousand levels.
    @Test(arguments: [
        String(repeating: "[", count: 10_000),
        "model: MODEL\nprompts: " + String(repeating: "{a: ", count: 5_000),
        (0..<5_000).map { String(repeating: " ", count: $0) + "- " }.joined(separator: "\n"),
        String(repeating: "- ", count: 10_000) + "x",
    ])
    func deepNestingIsRefusedBeforeParsing(_ yaml: String) throws {
        let problems = try fixture.problems(yaml)
        #expect(problems.count == 1 && problems[0].message == "nested more than 100 levels deep; a job manifest needs a few")
    }

    @Test func quotedBracketsAndCommentsDoNotCountAsNesting() throws {
        let brackets = String(repeating: "[", count: 200)
        let job = try fixture.read("model: MODEL\nprompts: [\"\(brackets)\", '\(brackets)', a cat's \(brackets.prefix(0))hat] # \(brackets)\n")
        #expect(job.prompts.map(\.text) == [brackets, brackets, "a cat's hat"])
    }
}

/// The 77-token check (plain syntax: A1111 syntax reads long prompts in chunks) is bounded, so a million-prompt file starts at once and its warnings fit a screen.
@Suite struct TruncationWarningBoundsTests {
    let fixture = try! ManifestFixture()

    @Test func truncatedPromptsPastTheTenthAreCountedInOneLine() throws {
        let long = Array(repeating: "cat", count: 80).joined(separator: " ")
        let prompts = (0..<13).map { "\(long) \($0)" }.joined(separator: "\n")
        _ = try fixture.write(prompts, name: "prompts.txt")
        var warnings: [String] = []
        _ = try ManifestReader.read(try fixture.write("model: MODEL\nprompt_syntax: plain\nprompts_file: prompts.txt\n")) {
            warnings.append($0.description)
        }
        #expect(warnings.count == 11, "\(warnings)")
        #expect(warnings.prefix(10).allSatisfy { $0.contains("truncated because CLIP") })
        #expect(warnings.last?.hasSuffix("prompts.txt:11: 3 more prompt(s) past CLIP's 77 tokens are truncated") == true, "\(warnings)")
    }

    @Test func promptsPastTheCheckLimitAreNotTokenized() throws {
        let count = ManifestReader.truncationCheckLimit + 5
        let long = Array(repeating: "cat", count: 80).joined(separator: " ")
        // Only the last prompts are long: past the limit, so nothing is said about them but that they were not checked.
        let prompts = (0..<count).map { $0 < count - 3 ? "a dog \($0)" : "\(long) \($0)" }.joined(separator: "\n")
        _ = try fixture.write(prompts, name: "prompts.txt")
        var warnings: [String] = []
        let job = try ManifestReader.read(try fixture.write("model: MODEL\nprompt_syntax: plain\nprompts_file: prompts.txt\n")) {
            warnings.append($0.description)
        }
        #expect(job.prompts.count == count)
        #expect(warnings.count == 1 && warnings[0].contains("prompts after the first 10000 distinct texts are not checked"), "\(warnings)")
    }
}
