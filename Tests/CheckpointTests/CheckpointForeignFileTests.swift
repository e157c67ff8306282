// Files edited behind paltrain's back with the HDF5 API: variable-length strings (as h5py writes
// them) still read; a missing group or attribute is refused with a message naming it.
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
