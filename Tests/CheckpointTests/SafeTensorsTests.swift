// SafeTensorsTests: reading files written by the official safetensors library (bit-exact against
// PyTorch's float32 conversion), writing byte-identical files, round trips, and one malformed file
// per validation rule, each built by editing a good file's bytes. Fixtures come from
// scripts/make_safetensors_fixture.py.
@testable import Checkpoint
import Foundation
import TensorCore
import XCTest

final class SafeTensorsTests: XCTestCase {
    // MARK: - Reading the official library's files

    func testReadsOfficialMixedFileBitExactly() throws {
        let expected = try JSONDecoder().decode(ExpectedFile.self, from: Data(contentsOf: fixture("safetensors_mixed_expected.json")))
        let contents = try SafeTensorsFile.read(from: fixture("safetensors_mixed.safetensors"))

        XCTAssertEqual(contents.tensors.map(\.name), expected.tensors.map(\.name), "tensors in offset order")
        for (actual, wanted) in zip(contents.tensors, expected.tensors) {
            XCTAssertEqual(actual.tensor.shape, wanted.shape, "\(wanted.name): shape")
            XCTAssertEqual(actual.tensor.toArray().map(\.bitPattern), wanted.bits,
                           "\(wanted.name) (\(wanted.dtype)): float32 bits differ from PyTorch's tensor.float()")
        }
        XCTAssertEqual(contents.metadata, expected.metadata)
        XCTAssertEqual(contents.sourceDTypes, expected.sourceDTypes)
        XCTAssertEqual(Set(contents.skipped.keys), Set(expected.skipped))
        let reason = try XCTUnwrap(contents.skipped["model.embeddings.position_ids"])
        XCTAssertTrue(reason.contains("I64") && reason.contains("position_ids"), reason)
        XCTAssertEqual(Set(expected.sourceDTypes.values), ["F32", "F16", "BF16", "F64", "I64"], "fixture covers every dtype")
    }

    /// Every half (except NaNs, whose payload rule the fixture checks against PyTorch) against Swift's own conversion.
    func testHalfConversionMatchesFloat16ForEveryBitPattern() throws {
        #if arch(x86_64) || arch(arm64)
        var mismatches: [String] = []
        for bits in UInt16.min...UInt16.max {
            let ours = SafeTensorsDType.float(fromHalf: bits)
            let reference = Float(Float16(bitPattern: bits))
            let matches = reference.isNaN ? ours.isNaN && ours.bitPattern & 0x0040_0000 != 0 : ours.bitPattern == reference.bitPattern
            if !matches { mismatches.append("0x\(String(bits, radix: 16)): \(ours) vs \(reference)") }
        }
        XCTAssertEqual(mismatches, [], "halves converted differently from Float(Float16)")
        #else
        throw XCTSkip("Float16 is not available on this architecture")
        #endif
    }

    // MARK: - Writing

    func testWriterReproducesOfficialBytes() throws {
        let official = fixture("safetensors_official_f32.safetensors")
        let contents = try SafeTensorsFile.read(from: official)
        XCTAssertEqual(contents.tensors.count, 6)
        XCTAssertEqual(contents.metadata.count, 1)

        // Given in another order: the writer orders tensors by name, as the official library does.
        let url = try makeTemporaryDirectory(self).appendingPathComponent("ours.safetensors")
        try SafeTensorsFile.write(contents.tensors.reversed(), metadata: contents.metadata, to: url)
        let ours = try Data(contentsOf: url), theirs = try Data(contentsOf: official)
        XCTAssertEqual(ours.count, theirs.count, "file sizes")
        XCTAssertTrue(ours == theirs, "bytes differ from safetensors.torch.save_file's; header ours:\n"
                      + headerText(ours) + "\ntheirs:\n" + headerText(theirs))
    }

    func testRoundTripIsBitExact() throws {
        var rng = RandomGenerator(seed: 3)
        var tensors: [NamedTensor] = []
        for (i, name) in sampleNames(layers: 3).enumerated() {
            let shape = i % 2 == 0 ? [3, 7] : [awkwardFloats.count]
            var values = Tensor.randn(shape, rng: &rng).toArray()
            values.replaceSubrange(0..<awkwardFloats.count, with: awkwardFloats)
            tensors.append((name, Tensor(shape: shape, values: values)))
        }
        tensors += [("model.encoder.embed_scale", Tensor(scalar: -0.0)), ("model.decoder.empty", Tensor(zeros: [0])),
                    ("model.decoder.empty.matrix", Tensor(zeros: [3, 0, 2])), ("Ünïcode.näme ✓", Tensor(scalar: 1.5))]
        let metadata = ["format": "pt", "config": "{\"d_model\": 512, \"tab\": \"\t\"}", "ctl": "\u{1}\u{7F}/\\ 🤖", "": ""]

        let url = try makeTemporaryDirectory(self).appendingPathComponent("round.safetensors")
        try SafeTensorsFile.write(tensors, metadata: metadata, to: url)
        let back = try SafeTensorsFile.read(from: url)

        let byName = tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        assertBitIdentical(back.tensors, byName, "round trip (name order)")
        XCTAssertEqual(back.metadata, metadata)
        XCTAssertEqual(Set(back.sourceDTypes.values), ["F32"])
        XCTAssertTrue(back.skipped.isEmpty)

        // Layout: 8-byte length, header padded with spaces to a multiple of 8, metadata keys sorted.
        let bytes = try Data(contentsOf: url)
        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        XCTAssertEqual(headerLength % 8, 0, "header padded to 8 bytes")
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix(#"{"__metadata__":{"":"","config":"{\"d_model\": 512, \"tab\": \"\t\"}","ctl":"\u0001"#),
                      header)
        XCTAssertTrue(header.trimmingCharacters(in: .init(charactersIn: " ")).hasSuffix("}}"), header)
        XCTAssertEqual(bytes.count, 8 + headerLength + 4 * tensors.reduce(0) { $0 + $1.tensor.count })
    }

    func testEmptyMetadataAndNoTensorsMatchOfficialLayout() throws {
        let directory = try makeTemporaryDirectory(self)
        let empty = directory.appendingPathComponent("empty.safetensors")
        try SafeTensorsFile.write([], to: empty)
        // safetensors.torch.save_file({}) writes exactly these 16 bytes.
        XCTAssertEqual(Array(try Data(contentsOf: empty)), [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
        XCTAssertTrue(try SafeTensorsFile.read(from: empty).tensors.isEmpty)

        let one = directory.appendingPathComponent("one.safetensors")
        try SafeTensorsFile.write([("x", Tensor(shape: [1], values: [1]))], to: one)
        // save_file({"x": torch.ones(1)}): no __metadata__ when there is none, two spaces of padding.
        let expectedHeader = #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}  "#
        XCTAssertEqual(Array(try Data(contentsOf: one)),
                       [56, 0, 0, 0, 0, 0, 0, 0] + Array(expectedHeader.utf8) + [0, 0, 0x80, 0x3F])
    }

    func testWriteRefusesBadNamesAndKeepsThePreviousFile() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("model.safetensors")
        try SafeTensorsFile.write([("kept", Tensor(scalar: 1))], to: url)
        let before = try Data(contentsOf: url)
        let bad: [NamedTensor] = [("a", Tensor(scalar: 1)), ("a", Tensor(scalar: 2)), ("", Tensor(scalar: 3)),
                                  ("__metadata__", Tensor(scalar: 4))]
        let error = safeTensorsError { try SafeTensorsFile.write(bad, to: url) }
        guard case .invalidTensors(_, let problems)? = error else { return XCTFail("wrong error: \(String(describing: error))") }
        XCTAssertEqual(problems.count, 3, problems.joined(separator: "\n"))
        let message = error!.description
        for part in [url.path, "'a' is given 2 times", "empty name", "'__metadata__' is reserved", "nothing was written"] {
            XCTAssertTrue(message.contains(part), "missing \"\(part)\" in: \(message)")
        }
        XCTAssertEqual(try Data(contentsOf: url), before, "the previous file is untouched")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path),
                       ["model.safetensors"], "no temporary file is left behind")
    }

    func testWriteIntoMissingDirectoryFails() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("no/such/dir/model.safetensors")
        let error = safeTensorsError { try SafeTensorsFile.write([("x", Tensor(scalar: 1))], to: url) }
        guard case .writeFailed? = error else { return XCTFail("wrong error: \(String(describing: error))") }
        XCTAssertTrue(error!.description.contains("does not exist: create it first"), error!.description)
    }

    // MARK: - Malformed files

    // The official F32 fixture's header has, by offset: B.upper [0,4], a.10.weight [4,24] (shape [5]),
    // a.2.weight [24,40], empty [40,40], z.last [40,64] (shape [2,3]), ä.unicode [64,76]; buffer 76 bytes.

    func testFileShorterThanTheHeaderLength() throws {
        let url = try writeVariant("short.safetensors", Data(try officialBytes().prefix(5)))
        expect(try read(url), .truncated, [url.path, "5 bytes long, shorter than the 8-byte header length"])
    }

    func testFileShorterThanTheHeader() throws {
        let bytes = try officialBytes()
        let url = try writeVariant("cut.safetensors", bytes.prefix(100))
        expect(try read(url), .truncated, [url.path, "announce a 456-byte header, but only 92 bytes follow"])
    }

    func testHeaderThatIsNotJSON() throws {
        let url = try writeVariant("notjson.safetensors", try editedHeader { $0.replacingOccurrences(of: #"[5],"#, with: #"[5] "#) })
        expect(try read(url), .headerNotJSON, [url.path, "not valid JSON", "expected ',' or '}'"])
    }

    func testHeaderThatIsNotAnObject() throws {
        let url = try writeVariant("array.safetensors", try editedHeader(keepBuffer: false) { _ in "[1, 2]" })
        expect(try read(url), .invalidHeader, [url.path, "the header is an array, not a JSON object"])
    }

    func testOffsetsPastTheEnd() throws {
        let url = try writeVariant("past.safetensors", try editedHeader {
            $0.replacingOccurrences(of: #""shape":[3],"data_offsets":[64,76]"#, with: #""shape":[4],"data_offsets":[64,80]"#)
        })
        expect(try read(url), .invalidOffsets,
               [url.path, "tensor 'ä.unicode' has data_offsets [64, 80] past the end of the 76-byte data buffer"])
    }

    func testOverlappingOffsets() throws {
        let url = try writeVariant("overlap.safetensors", try editedHeader {
            $0.replacingOccurrences(of: "[24,40]", with: "[20,36]")
        })
        expect(try read(url), .invalidOffsets,
               [url.path, "tensor 'a.2.weight' [20, 36] overlaps tensor 'a.10.weight' [4, 24]",
                "bytes [36, 40) of the data buffer, before tensor 'empty', belong to no tensor"])
    }

    func testOffsetsLeavingAGap() throws {
        let url = try writeVariant("gap.safetensors", try editedHeader {
            $0.replacingOccurrences(of: #""shape":[],"data_offsets":[0,4]"#, with: #""shape":[0],"data_offsets":[0,0]"#)
        })
        expect(try read(url), .invalidOffsets,
               [url.path, "bytes [0, 4) of the data buffer, before tensor 'a.10.weight', belong to no tensor"])
    }

    func testBufferLongerThanTheTensors() throws {
        let url = try writeVariant("long.safetensors", try officialBytes() + Data([1, 2, 3, 4]))
        expect(try read(url), .invalidOffsets,
               [url.path, "the last 4 bytes of the 80-byte data buffer belong to no tensor (the tensors end at 76)"])
    }

    func testShapeDisagreeingWithByteLength() throws {
        let url = try writeVariant("shape.safetensors", try editedHeader {
            $0.replacingOccurrences(of: #""shape":[5]"#, with: #""shape":[6]"#)
        })
        expect(try read(url), .invalidHeader,
               [url.path, "tensor 'a.10.weight' has shape [6] of F32, which needs 24 bytes, but its data_offsets [4, 24] span 20 bytes"])
    }

    func testUnknownDType() throws {
        let url = try writeVariant("dtype.safetensors", try editedHeader {
            $0.replacingOccurrences(of: #""z.last":{"dtype":"F32""#, with: #""z.last":{"dtype":"F17""#)
        })
        expect(try read(url), .invalidHeader, [url.path, #"tensor 'z.last' has unknown dtype "F17" (known: BOOL"#])
    }

    func testDuplicateNames() throws {
        let url = try writeVariant("duplicate.safetensors", try editedHeader {
            $0.replacingOccurrences(of: #""z.last""#, with: #""a.10.weight""#)
        })
        expect(try read(url), .invalidHeader, [url.path, "the name 'a.10.weight' appears 2 times"])
    }

    /// A name as long as the header allows is cut in messages (the fuzzer's mutations made 10 KB names).
    func testLongNamesAreShortenedInMessages() throws {
        let name = String(repeating: "n", count: 10_000)
        let url = try writeVariant("long.safetensors", try editedHeader {
            $0.replacingOccurrences(of: #""z.last":{"dtype":"F32""#, with: "\"\(name)\":{\"dtype\":\"F17\"")
        })
        let message = expect(try read(url), .invalidHeader, [url.path, "tensor '\(name.prefix(60))…' has unknown dtype \"F17\""])
        XCTAssertLessThan(message?.count ?? .max, 2000)
    }

    func testMetadataValueThatIsNotAString() throws {
        let url = try writeVariant("metadata.safetensors", try editedHeader {
            $0.replacingOccurrences(of: #"{"__metadata__":{"#, with: #"{"__metadata__":{"epoch":3,"#)
        })
        expect(try read(url), .invalidHeader, [url.path, "__metadata__ value of 'epoch' is a number, expected a string"])
    }

    func testIntegerTensorIsRefusedUnlessAKnownBuffer() throws {
        let refused = try writeVariant("int.safetensors", try editedHeader {
            $0.replacingOccurrences(of: #""z.last":{"dtype":"F32""#, with: #""z.last":{"dtype":"I32""#)
        })
        expect(try read(refused), .unsupportedDTypes, [refused.path, "'z.last' (I32)", "position_ids", "v.float()"])

        let buffer = try writeVariant("buffer.safetensors", try editedHeader {
            $0.replacingOccurrences(of: #""z.last":{"dtype":"F32""#, with: #""z.position_ids":{"dtype":"I32""#)
        })
        let contents = try SafeTensorsFile.read(from: buffer)
        XCTAssertEqual(contents.tensors.map(\.name), ["B.upper", "a.10.weight", "a.2.weight", "empty", "ä.unicode"])
        XCTAssertEqual(Array(contents.skipped.keys), ["z.position_ids"])
        XCTAssertEqual(contents.sourceDTypes["z.position_ids"], "I32")
    }

    func testPyTorchPickleGetsConversionAdvice() throws {
        let url = try writeVariant("pytorch_model.bin", Data([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 60)))
        let message = expect(try read(url), .pytorchPickle, [url.path, "PyTorch pickle"])
        XCTAssertEqual(message, SafeTensorsFile.pytorchBinMessage(for: url))
        let advice = SafeTensorsFile.pytorchBinMessage(for: URL(fileURLWithPath: "/models/bart/pytorch_model.bin"))
        for part in ["import torch; from safetensors.torch import save_file; sd = torch.load('pytorch_model.bin', map_location='cpu'); "
                        + "save_file({k: v.contiguous() for k, v in sd.items()}, 'model.safetensors')",
                     "{k: v.clone().contiguous() for k, v in sd.items()}", "in /models/bart"] {
            XCTAssertTrue(advice.contains(part), "missing \"\(part)\" in: \(advice)")
        }
    }

    func testMissingFileAndDirectory() throws {
        let directory = try makeTemporaryDirectory(self)
        let missing = directory.appendingPathComponent("absent.safetensors")
        expect(try read(missing), .fileNotFound, [missing.path, "does not exist"])
        expect(try read(directory), .unreadable, [directory.path, "it is a directory"])
    }

    // MARK: - Helpers

    private struct ExpectedFile: Decodable {
        struct Entry: Decodable { let name: String, dtype: String, shape: [Int], bits: [UInt32] }
        let metadata: [String: String]
        let tensors: [Entry]
        let skipped: [String]
        let sourceDTypes: [String: String]
        enum CodingKeys: String, CodingKey { case metadata, tensors, skipped, sourceDTypes = "source_dtypes" }
    }

    private enum Kind: String { case truncated, headerNotJSON, invalidHeader, invalidOffsets, unsupportedDTypes,
                                     pytorchPickle, fileNotFound, unreadable }

    private func fixture(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    }

    private func officialBytes() throws -> Data { try Data(contentsOf: fixture("safetensors_official_f32.safetensors")) }

    private func headerText(_ bytes: Data) -> String {
        let length = Int(bytes.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        return String(decoding: bytes[8..<min(bytes.count, 8 + length)], as: UTF8.self)
    }

    /// The official F32 fixture with its header text edited (then re-padded, its length rewritten)
    /// and its data buffer kept (or dropped).
    private func editedHeader(keepBuffer: Bool = true, _ edit: (String) -> String) throws -> Data {
        let bytes = try officialBytes()
        let text = headerText(bytes)
        let edited = edit(text.trimmingCharacters(in: .init(charactersIn: " ")))
        XCTAssertNotEqual(edited, text.trimmingCharacters(in: .init(charactersIn: " ")), "the edit changed nothing")
        var header = Array(edited.utf8)
        header += [UInt8](repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        var out = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        if keepBuffer { out.append(bytes[(8 + text.utf8.count)...]) }
        return out
    }

    private func writeVariant(_ name: String, _ bytes: Data) throws -> URL {
        let url = try makeTemporaryDirectory(self).appendingPathComponent(name)
        try bytes.write(to: url)
        return url
    }

    private func read(_ url: URL) throws { _ = try SafeTensorsFile.read(from: url) }

    /// Checks that `body` throws a `SafeTensorsError` of `kind` whose message contains every part; returns the message.
    @discardableResult
    private func expect(_ body: @autoclosure () throws -> Void, _ kind: Kind, _ parts: [String],
                        file: StaticString = #filePath, line: UInt = #line) -> String? {
        guard let error = safeTensorsError(file: file, line: line, body) else { return nil }
        XCTAssertEqual(Mirror(reflecting: error).children.first?.label, kind.rawValue, "wrong error: \(error)",
                       file: file, line: line)
        for part in parts {
            XCTAssertTrue(error.description.contains(part), "missing \"\(part)\" in: \(error.description)", file: file, line: line)
        }
        return error.description
    }

    /// The error `body` throws, as a `SafeTensorsError` (fails the test when it throws nothing or something else).
    private func safeTensorsError(file: StaticString = #filePath, line: UInt = #line,
                                  _ body: () throws -> Void) -> SafeTensorsError? {
        do {
            try body()
            XCTFail("expected a SafeTensorsError, but nothing was thrown", file: file, line: line)
        } catch let error as SafeTensorsError {
            return error
        } catch {
            XCTFail("expected a SafeTensorsError, got \(error)", file: file, line: line)
        }
        return nil
    }
}
