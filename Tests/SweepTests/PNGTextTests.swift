import Foundation
import Sweep
import Testing

@Suite struct PNGTextTests {
    let png = try! PNGImage(width: 4, height: 2, pixels: Array(repeating: 200, count: 24)).encoded()

    @Test func latin1TextIsATEXtChunkLibpngStillReads() throws {
        let text = "a café at dawn\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 512x512, Model: sd15"
        let tagged = try PNGText.adding(key: "parameters", text: text, to: png)
        #expect(tagged.range(of: Data("tEXtparameters".utf8)) != nil)
        #expect(PNGText.texts(in: tagged) == ["parameters": text])
        #expect(try PNGImage(decoding: tagged) == PNGImage(decoding: png))
    }

    @Test func otherTextIsUTF8InITXt() throws {
        let text = "富士山の夕焼け 🌅"
        let tagged = try PNGText.adding(key: "parameters", text: text, to: png)
        #expect(tagged.range(of: Data("iTXtparameters".utf8)) != nil)
        #expect(PNGText.texts(in: tagged) == ["parameters": text])
        #expect(try PNGImage(decoding: tagged).width == 4)
    }

    @Test func a1111ParametersText() {
        var parameters = GenerationParameters(prompt: "a cat", negativePrompt: "", steps: 20, sampler: "DPM++ 2M Karras",
                                              guidance: 7.5, seed: 42, width: 512, height: 768, model: "sd15")
        #expect(parameters.a1111Text == "a cat\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 42, Size: 512x768, Model: sd15")
        parameters.negativePrompt = "dog"
        parameters.guidance = 7
        #expect(parameters.a1111Text == "a cat\nNegative prompt: dog\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 42, Size: 512x768, Model: sd15")
    }
}
