// CSVTableReader: RFC 4180 CSV (as pandas' `to_csv` writes it) → rows of fields, each row with the line it
// starts on: quoted fields may hold commas, doubled quotes and newlines; "\n" and "\r\n" end rows.

import Foundation

/// One CSV row and the 1-based line it starts on.
struct CSVRow: Equatable {
    var line: Int
    var fields: [String]
}

/// Splits CSV text into rows.
enum CSVTableReader {
    /// The rows of `text`; a final newline does not make an empty row. `file` names it in errors.
    static func rows(of text: String, file: String) throws -> [CSVRow] {
        let bytes = Array(text.utf8)
        var rows: [CSVRow] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var rowLine = 1
        var index = 0
        var atFieldStart = true
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            atFieldStart = true
        }
        func endRow() {
            endField()
            rows.append(CSVRow(line: rowLine, fields: fields))
            fields.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if atFieldStart && byte == UInt8(ascii: "\"") {
                // Quoted field: up to the closing quote; "" is one quote.
                let quoteLine = line
                index += 1
                var closed = false
                while index < bytes.count {
                    let inner = bytes[index]
                    if inner == UInt8(ascii: "\"") {
                        if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                            field.append(inner)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    if inner == 0x0A { line += 1 }
                    field.append(inner)
                    index += 1
                }
                guard closed else {
                    throw DataError(file: file, line: quoteLine, "unterminated quoted field: expected a closing '\"' before the end of the file")
                }
                atFieldStart = false
                // After the closing quote: a comma, the end of the row or of the file.
                if index < bytes.count {
                    let next = bytes[index]
                    let endsRow = next == 0x0A || (next == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A)
                    guard next == UInt8(ascii: ",") || endsRow else {
                        throw DataError(file: file, line: line,
                                        "expected ',' or the end of the row after a closing quote, found '\(Character(Unicode.Scalar(next)))'")
                    }
                }
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                endField()
                index += 1
            case 0x0D where index + 1 < bytes.count && bytes[index + 1] == 0x0A:
                index += 1  // the "\n" ends the row
            case 0x0A:
                endRow()
                index += 1
                line += 1
                rowLine = line
            case UInt8(ascii: "\""):
                throw DataError(file: file, line: line, "'\"' inside an unquoted field: expected the whole field in quotes")
            default:
                field.append(byte)
                atFieldStart = false
                index += 1
            }
        }
        // A last row without a final newline.
        if !fields.isEmpty || !field.isEmpty || !atFieldStart { endRow() }
        return rows
    }
}
