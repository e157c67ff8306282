// Files edited behind paltrain's back with the HDF5 API: variable-length strings (as h5py writes
// them) still read; a missing group, attribute or tensor is refused with a message naming it.
@testable import Checkpoint
import CHDF5
import Foundation
import TensorCore
import XCTest

final class CheckpointForeignFileTests: XCTestCase {
    /// Opens the HDF5 file at `url` read-write and runs `edit` on it.
    private func editHDF5(_ url: URL, _ edit: (hid_t) throws -> Void) throws {
        try HDF5Session.run {
            let file = try HDF5Session.check(H5Fopen(url.path, paltrain_h5f_acc_rdwr(), hdf5Default), "opening")
            defer { H5Fclose(file) }
            try edit(file)
        }
    }

    func testVariableLengthStringAttributesAreRead() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("h5py-style.h5")
        try CheckpointFile.write(sampleContents(), to: url)
        let config = #"{"written_by": "h5py", "text": "ü 🤖"}"#
        try editHDF5(url) { file in
            try HDF5Session.check(H5Adelete(file, "config"), "deleting config")
            let type = H5Tcopy(paltrain_h5t_c_s1())
            defer { H5Tclose(type) }
            H5Tset_size(type, paltrain_h5t_variable())
            H5Tset_cset(type, H5T_CSET_UTF8)
            let space = H5Screate(H5S_SCALAR)
            defer { H5Sclose(space) }
            let attribute = try HDF5Session.check(H5Acreate2(file, "config", type, space, hdf5Default, hdf5Default),
                                                  "creating config")
            defer { H5Aclose(attribute) }
            try config.withCString { text in
                var pointer: UnsafePointer<CChar>? = text
                try HDF5Session.check(H5Awrite(attribute, type, &pointer), "writing config")
            }
        }
        XCTAssertEqual(try CheckpointFile.read(from: url).config, config)
    }

    func testMissingTensorGroupIsNamed() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("no-tensors.h5")
        try CheckpointFile.write(sampleContents(), to: url)
        try editHDF5(url) { file in try HDF5Session.check(H5Ldelete(file, "tensors", hdf5Default), "deleting") }
        let error = checkpointError { _ = try CheckpointFile.read(from: url) }
        guard case .missingGroup(_, let group)? = error else { return XCTFail("wrong error: \(String(describing: error))") }
        XCTAssertEqual(group, "/tensors")
        XCTAssertTrue(error!.description.contains(url.path), error!.description)
    }

    func testADeletedTensorIsNamedNotIndexed() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("one-tensor-less.h5")
        let contents = sampleContents()
        let deleted = contents.tensors[1].name
        try CheckpointFile.write(contents, to: url)
        try editHDF5(url) { file in try HDF5Session.check(H5Ldelete(file, "tensors/\(deleted)", hdf5Default), "deleting") }
        let error = checkpointError { _ = try CheckpointFile.read(from: url) }
        XCTAssertTrue(error?.description.contains("names tensors the checkpoint lacks [\"\(deleted)\"]") == true, String(describing: error))

        // Without optimizer moments the file reads, in order, without it (the model's strict load names it).
        let weightsOnly = url.deletingLastPathComponent().appendingPathComponent("weights-only.h5")
        try CheckpointFile.write(sampleContents(withMoments: false), to: weightsOnly)
        try editHDF5(weightsOnly) { file in try HDF5Session.check(H5Ldelete(file, "tensors/\(deleted)", hdf5Default), "deleting") }
        XCTAssertEqual(try CheckpointFile.read(from: weightsOnly).tensors.map(\.name), contents.tensors.map(\.name).filter { $0 != deleted })

        // Two tensors claiming one position are named.
        let (first, second) = (contents.tensors[2].name, contents.tensors[3].name)
        try editHDF5(weightsOnly) { file in
            let dataset = try HDF5Session.check(H5Dopen2(file, "tensors/\(second)", hdf5Default), "opening")
            defer { H5Dclose(dataset) }
            try HDF5Session.check(H5Adelete(dataset, "index"), "deleting index")
            try writeIntAttribute(dataset, "index", 2)
        }
        let clash = checkpointError { _ = try CheckpointFile.read(from: weightsOnly) }
        let message = clash?.description ?? ""
        XCTAssertTrue(message.contains("share an 'index' attribute") && message.contains("'\(first)'") && message.contains("'\(second)'"), message)
    }

    func testMissingMomentGroupIsNamed() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("half-optimizer.h5")
        try CheckpointFile.write(sampleContents(), to: url)
        try editHDF5(url) { file in
            try HDF5Session.check(H5Ldelete(file, "optimizer/exp_avg_sq", hdf5Default), "deleting")
        }
        let error = checkpointError { _ = try CheckpointFile.read(from: url) }
        guard case .missingGroup(_, let group)? = error else { return XCTFail("wrong error: \(String(describing: error))") }
        XCTAssertEqual(group, "/optimizer/exp_avg_sq")
    }

    func testMissingRootAttributesAreNamed() throws {
        let directory = try makeTemporaryDirectory(self)
        for name in ["format_version", "config", "tokenizer"] {
            let url = directory.appendingPathComponent("no-\(name).h5")
            try CheckpointFile.write(sampleContents(), to: url)
            try editHDF5(url) { file in try HDF5Session.check(H5Adelete(file, name), "deleting \(name)") }
            let error = checkpointError { _ = try CheckpointFile.read(from: url) }
            guard case .missingAttribute(_, let object, let missing)? = error else {
                return XCTFail("wrong error: \(String(describing: error))")
            }
            XCTAssertEqual(object, "/")
            XCTAssertEqual(missing, name)
            XCTAssertTrue(error!.description.contains(url.path) && error!.description.contains(name), error!.description)
        }
    }
}
