// HDF5Attributes: scalar attributes on HDF5 objects — little-endian int64 integers and UTF-8
// strings (written fixed-length, null-terminated; read fixed- or variable-length, as h5py writes).
import CHDF5

// MARK: - Integers

/// Writes a scalar 64-bit integer attribute `name` on `object`.
func writeIntAttribute(_ object: hid_t, _ name: String, _ value: Int) throws {
    let space = try HDF5Session.check(H5Screate(H5S_SCALAR), "creating a scalar dataspace")
    defer { H5Sclose(space) }
    let attribute = try HDF5Session.check(
        H5Acreate2(object, name, paltrain_h5t_std_i64le(), space, hdf5Default, hdf5Default),
        "creating attribute \(name)")
    defer { H5Aclose(attribute) }
    var stored = Int64(value)
    try HDF5Session.check(H5Awrite(attribute, paltrain_h5t_native_int64(), &stored), "writing attribute \(name)")
}

/// Reads the integer attribute `name` of `object`, or `nil` when it is absent.
func readIntAttribute(_ object: hid_t, _ name: String) throws -> Int? {
    guard let attribute = try openAttribute(object, name) else { return nil }
    defer { H5Aclose(attribute) }
    let type = try HDF5Session.check(H5Aget_type(attribute), "reading the type of attribute \(name)")
    defer { H5Tclose(type) }
    guard H5Tget_class(type) == H5T_INTEGER else {
        throw HDF5Failure(what: "attribute \(name) is not an integer", stack: [])
    }
    try requireScalar(attribute, name)
    var value: Int64 = 0
    try HDF5Session.check(H5Aread(attribute, paltrain_h5t_native_int64(), &value), "reading attribute \(name)")
    return Int(value)
}

// MARK: - Strings

/// Writes `value` as a UTF-8 string attribute `name` on `object`.
func writeStringAttribute(_ object: hid_t, _ name: String, _ value: String) throws {
    let bytes = Array(value.utf8) + [0]
    let type = try HDF5Session.check(H5Tcopy(paltrain_h5t_c_s1()), "creating a string type")
    defer { H5Tclose(type) }
    try HDF5Session.check(H5Tset_size(type, bytes.count), "sizing a string type")
    try HDF5Session.check(H5Tset_strpad(type, H5T_STR_NULLTERM), "setting string padding")
    try HDF5Session.check(H5Tset_cset(type, H5T_CSET_UTF8), "setting the UTF-8 character set")
    let space = try HDF5Session.check(H5Screate(H5S_SCALAR), "creating a scalar dataspace")
    defer { H5Sclose(space) }
    let attribute = try HDF5Session.check(H5Acreate2(object, name, type, space, hdf5Default, hdf5Default),
                                          "creating attribute \(name) (\(bytes.count) bytes)")
    defer { H5Aclose(attribute) }
    try HDF5Session.check(H5Awrite(attribute, type, bytes), "writing attribute \(name)")
}

/// Reads the string attribute `name` of `object`, or `nil` when it is absent.
func readStringAttribute(_ object: hid_t, _ name: String) throws -> String? {
    guard let attribute = try openAttribute(object, name) else { return nil }
    defer { H5Aclose(attribute) }
    let fileType = try HDF5Session.check(H5Aget_type(attribute), "reading the type of attribute \(name)")
    defer { H5Tclose(fileType) }
    guard H5Tget_class(fileType) == H5T_STRING else {
        throw HDF5Failure(what: "attribute \(name) is not a string", stack: [])
    }
    try requireScalar(attribute, name)
    let memoryType = try HDF5Session.check(H5Tcopy(paltrain_h5t_c_s1()), "creating a string type")
    defer { H5Tclose(memoryType) }
    try HDF5Session.check(H5Tset_cset(memoryType, H5Tget_cset(fileType)), "setting a character set")

    if H5Tis_variable_str(fileType) > 0 {
        try HDF5Session.check(H5Tset_size(memoryType, paltrain_h5t_variable()), "sizing a string type")
        var pointer: UnsafeMutablePointer<CChar>?
        try HDF5Session.check(H5Aread(attribute, memoryType, &pointer), "reading attribute \(name)")
        defer { if let pointer { H5free_memory(pointer) } }
        return pointer.map { String(cString: $0) } ?? ""
    }
    let size = H5Tget_size(fileType)
    guard size > 0 else { throw HDF5Failure(what: "attribute \(name) has an invalid string size", stack: []) }
    try HDF5Session.check(H5Tset_size(memoryType, size), "sizing a string type")
    try HDF5Session.check(H5Tset_strpad(memoryType, H5T_STR_NULLPAD), "setting string padding")
    var bytes = [UInt8](repeating: 0, count: size)
    try HDF5Session.check(H5Aread(attribute, memoryType, &bytes), "reading attribute \(name)")
    let end = bytes.firstIndex(of: 0) ?? bytes.count
    return String(decoding: bytes[..<end], as: UTF8.self)
}

// MARK: - Helpers

/// Opens attribute `name` of `object`, or returns `nil` when it is absent.
private func openAttribute(_ object: hid_t, _ name: String) throws -> hid_t? {
    let found = H5Aexists(object, name)
    guard found >= 0 else { throw HDF5Failure(what: "looking up attribute \(name)", stack: HDF5Session.errorStack()) }
    guard found > 0 else { return nil }
    return try HDF5Session.check(H5Aopen(object, name, hdf5Default), "opening attribute \(name)")
}

/// Throws unless the attribute holds a single value.
private func requireScalar(_ attribute: hid_t, _ name: String) throws {
    let space = try HDF5Session.check(H5Aget_space(attribute), "reading the dataspace of attribute \(name)")
    defer { H5Sclose(space) }
    guard H5Sget_simple_extent_npoints(space) == 1 else {
        throw HDF5Failure(what: "attribute \(name) holds more than one value", stack: [])
    }
}
