// HDF5TensorGroup: an ordered list of named Float32 tensors as the datasets of one HDF5 group.
// Each dataset is little-endian float32, chunked and Fletcher32-checksummed (when non-empty), and
// carries an `index` attribute giving its position in the list (read back in that order); 0-d tensors
// are stored with shape (1) and a `scalar` attribute, because HDF5 cannot chunk (so cannot checksum) a
// scalar dataspace.
import CHDF5
import TensorCore

/// Largest chunk, in elements; HDF5 limits a chunk to 4 GiB, and Fletcher32 adds 4 bytes.
let maxChunkElements: UInt64 = 1 << 29

// MARK: - Writing

/// Creates group `path` under `file` holding `tensors` in order.
func writeTensorGroup(_ file: hid_t, _ path: String, _ tensors: [NamedTensor]) throws {
    let group = try HDF5Session.check(H5Gcreate2(file, path, hdf5Default, hdf5Default, hdf5Default),
                                      "creating group /\(path)")
    defer { H5Gclose(group) }
    for (index, entry) in tensors.enumerated() {
        try writeTensor(group, entry.name, entry.tensor, index: index, groupPath: path)
    }
}

private func writeTensor(_ group: hid_t, _ name: String, _ tensor: Tensor, index: Int, groupPath: String) throws {
    let what = "writing tensor '\(name)' in /\(groupPath)"
    let isScalar = tensor.shape.isEmpty
    let dims: [hsize_t] = isScalar ? [1] : tensor.shape.map { hsize_t($0) }
    let space = try HDF5Session.check(H5Screate_simple(Int32(dims.count), dims, nil), what)
    defer { H5Sclose(space) }
    let creation = try HDF5Session.check(H5Pcreate(paltrain_h5p_dataset_create()), what)
    defer { H5Pclose(creation) }
    if tensor.count > 0 {
        // Chunked layout (the whole tensor as one chunk when it fits) is what lets the filter run.
        let chunk = chunkDims(dims, maxElements: maxChunkElements)
        try HDF5Session.check(H5Pset_chunk(creation, Int32(chunk.count), chunk), what)
        try HDF5Session.check(H5Pset_fletcher32(creation), what)
    }
    let dataset = try HDF5Session.check(
        H5Dcreate2(group, name, paltrain_h5t_ieee_f32le(), space, hdf5Default, creation, hdf5Default), what)
    defer { H5Dclose(dataset) }
    if tensor.count > 0 {
        try HDF5Session.check(H5Dwrite(dataset, paltrain_h5t_native_float(), H5S_ALL, H5S_ALL, hdf5Default,
                                       tensor.data), what)
    }
    try writeIntAttribute(dataset, "index", index)
    if isScalar { try writeIntAttribute(dataset, "scalar", 1) }
}

/// Chunk dimensions for a dataset of `dims`: the whole shape, or, when that exceeds `maxElements`,
/// the leading dimensions cut down until one chunk fits.
func chunkDims(_ dims: [hsize_t], maxElements: hsize_t) -> [hsize_t] {
    var chunk = dims
    var axis = 0
    while chunk.reduce(1, *) > maxElements, axis < chunk.count {
        let inner = chunk[(axis + 1)...].reduce(1, *)
        chunk[axis] = max(1, maxElements / max(inner, 1))
        axis += 1
    }
    return chunk
}

// MARK: - Reading

/// Where a tensor group lives, for error messages: the checkpoint file and the group path.
struct TensorGroupLocation {
    var file: String
    var group: String
}

/// Reads every dataset of group `location.group` into tensors, ordered by their `index` attributes.
func readTensorGroup(_ file: hid_t, _ location: TensorGroupLocation) throws -> [NamedTensor] {
    guard try HDF5Session.exists(location.group, in: file) else {
        throw CheckpointError.missingGroup(path: location.file, group: location.group)
    }
    let group = try HDF5Session.check(H5Gopen2(file, location.group, hdf5Default), "opening group \(location.group)")
    defer { H5Gclose(group) }
    var info = H5G_info_t()
    try HDF5Session.check(H5Gget_info(group, &info), "listing group \(location.group)")

    var entries: [(index: Int, name: String, tensor: Tensor)] = []
    entries.reserveCapacity(Int(info.nlinks))
    for position in 0..<info.nlinks {
        let name = try linkName(group, position, location)
        let (index, tensor) = try readTensor(group, name, location)
        entries.append((index, name, tensor))
    }
    entries.sort { $0.index < $1.index }
    // A gap (a tensor deleted after writing) is left to the loader, which names what is missing;
    // two tensors claiming one position leave the order unknown.
    let repeated = zip(entries, entries.dropFirst()).filter { $0.index == $1.index }.map { "'\($0.name)' and '\($1.name)' (\($0.index))" }
    guard repeated.isEmpty else {
        throw CheckpointError.malformed(path: location.file, detail:
            "tensors in \(location.group) share an 'index' attribute: \(repeated.prefix(5).joined(separator: ", ")); the file was edited: use another checkpoint")
    }
    return entries.map { (name: $0.name, tensor: $0.tensor) }
}

private func linkName(_ group: hid_t, _ position: hsize_t, _ location: TensorGroupLocation) throws -> String {
    let what = "listing group \(location.group)"
    let length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, position, nil, 0, hdf5Default)
    guard length >= 0 else { throw HDF5Failure(what: what, stack: HDF5Session.errorStack()) }
    var buffer = [CChar](repeating: 0, count: Int(length) + 1)
    let written = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, position, &buffer, buffer.count,
                                     hdf5Default)
    guard written >= 0 else { throw HDF5Failure(what: what, stack: HDF5Session.errorStack()) }
    return String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Reads one dataset straight into a new tensor's buffer; returns its `index` attribute too.
private func readTensor(_ group: hid_t, _ name: String, _ location: TensorGroupLocation) throws -> (Int, Tensor) {
    let object = "\(location.group)/\(name)"
    func malformed(_ detail: String) -> CheckpointError {
        .malformed(path: location.file, detail: "tensor '\(name)' in \(location.group) \(detail)")
    }
    let dataset = try HDF5Session.check(H5Dopen2(group, name, hdf5Default), "opening dataset \(object)")
    defer { H5Dclose(dataset) }

    let type = try HDF5Session.check(H5Dget_type(dataset), "reading the type of \(object)")
    defer { H5Tclose(type) }
    guard H5Tget_class(type) == H5T_FLOAT else { throw malformed("is not floating point") }

    let space = try HDF5Session.check(H5Dget_space(dataset), "reading the shape of \(object)")
    defer { H5Sclose(space) }
    var shape: [Int]
    switch H5Sget_simple_extent_type(space) {
    case H5S_SCALAR:
        shape = []
    case H5S_SIMPLE:
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw malformed("has an unreadable shape") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        try HDF5Session.check(H5Sget_simple_extent_dims(space, &dims, nil), "reading the shape of \(object)")
        guard dims.allSatisfy({ $0 <= hsize_t(Int.max) }) else { throw malformed("has an impossible shape \(dims)") }
        shape = dims.map { Int($0) }
    default:
        throw malformed("has no dataspace")
    }

    guard let index = try readIntAttribute(dataset, "index") else {
        throw CheckpointError.missingAttribute(path: location.file, object: object, name: "index")
    }
    if try readIntAttribute(dataset, "scalar") == 1 {
        guard shape == [1] else { throw malformed("is marked scalar but has shape \(shape)") }
        shape = []
    }

    let tensor = Tensor(uninitializedShape: shape)
    if tensor.count > 0 {
        let status = H5Dread(dataset, paltrain_h5t_native_float(), H5S_ALL, H5S_ALL, hdf5Default, tensor.data)
        if status < 0 {
            let failure = HDF5Failure(what: "reading \(object)", stack: HDF5Session.errorStack())
            if failure.isChecksumError {
                throw CheckpointError.corruptTensor(path: location.file, group: location.group, name: name)
            }
            throw malformed("cannot be read (HDF5: \(failure.detail))")
        }
    }
    return (index, tensor)
}
