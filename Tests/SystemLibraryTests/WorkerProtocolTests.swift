import Cluster
import Foundation
import Sweep
import Testing

/// A worker's side of the render protocol, driven through `MessageChannel` with messages a real
/// rank 0 never sends: whatever it cannot use goes back to rank 0 as a `failure` with the reason
/// (rank 0 then reports it with this rank and host and ends the job), never a silent exit that
/// would leave rank 0 waiting for ever.
@Suite struct WorkerProtocolTests {
    /// Replays `incoming` in order and records what the worker sends.
    final class ScriptedChannel: MessageChannel {
        var incoming: [MPIRuntime.Message]
        var sent: [(tag: Int32, text: String)] = []
        let rank = 1
        let processorName = "node7"

        init(_ incoming: [(tag: Int32, data: Data)]) {
            self.incoming = incoming.map { MPIRuntime.Message(source: 0, tag: $0.tag, data: $0.data) }
        }

        func send(_ data: Data, to destination: Int, tag: Int32) throws(MPIError) {
            sent.append((tag, String(decoding: data, as: UTF8.self)))
        }

        func receive(from source: Int, tag: Int32?) throws(MPIError) -> MPIRuntime.Message {
            guard !incoming.isEmpty else { throw .failed(call: "receive: nothing left to replay", code: -1) }
            let message = incoming.removeFirst()
            #expect(tag == nil || tag == message.tag, "the worker waits for tag \(tag ?? -1), the next message is \(message.tag)")
            return message
        }
    }

    // The tags of ClusterTag, which is the protocol's own (internal) definition.
    static let (ready, failure, task, stop): (Int32, Int32, Int32, Int32) = (1, 3, 4, 5)

    func job() throws -> Job {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("worker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("job.yaml").path
        try "model: \(RenderCommandTests.models)/sd1-tiny\nprompts: [a fox]\nseeds: [1]\nsteps: 1\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        return try ManifestReader.read(path)
    }

    @Test func aTaskThatDoesNotDecodeIsReportedToRankZero() throws {
        let channel = ScriptedChannel([(Self.task, Data("{\"id\": 3".utf8)), (Self.stop, Data())])
        try Worker(channel: channel, job: job()).run()
        #expect(channel.sent.map(\.tag) == [Self.ready, Self.failure])
        #expect(channel.sent.first?.text == "node7")
        let reason = channel.sent.last?.text ?? ""
        #expect(reason.hasPrefix("cannot decode a 8-byte Array<RenderTask> message: "), "\(reason)")
        #expect(channel.incoming.isEmpty, "the worker must wait for rank 0's stop after a failure")
    }

    @Test func anUnexpectedMessageIsReportedToRankZero() throws {
        let channel = ScriptedChannel([(99, Data()), (Self.stop, Data())])
        try Worker(channel: channel, job: job()).run()
        #expect(channel.sent.map(\.tag) == [Self.ready, Self.failure])
        #expect(channel.sent.last?.text == "rank 0 sent an unexpected message (tag 99)")
    }

    @Test func aStopEndsTheWorkerQuietly() throws {
        let channel = ScriptedChannel([(Self.stop, Data())])
        try Worker(channel: channel, job: job()).run()
        #expect(channel.sent.map(\.tag) == [Self.ready])
    }

    /// JSON has no NaN: the encoder refuses it, and the error says so instead of an empty message.
    @Test func aValueThatCannotBeEncodedThrows() {
        #expect(throws: ClusterCodecError.self) { try ClusterCodec.encode(["seconds": Double.nan]) }
        let error = try? #require(throws: ClusterCodecError.self) { try ClusterCodec.decode(Job.self, from: Data()) }
        #expect(error?.description.hasPrefix("cannot decode a 0-byte Job message: ") == true, "\(String(describing: error))")
    }
}
