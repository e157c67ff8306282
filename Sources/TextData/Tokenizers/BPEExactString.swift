// BPEExactString: a String key compared and hashed by its UTF-8 bytes. Swift's String equality is
// canonical equivalence ("é" == "e\u{301}", ";" == ";"), but vocabularies tell such tokens apart.
import Foundation

/// A string that is equal to another only when their Unicode scalars are identical.
struct BPEExactString: Hashable, Sendable {
    let string: String

    init(_ string: String) { self.string = string }

    init(_ scalars: some Sequence<Unicode.Scalar>) {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        string = String(view)
    }

    static func == (a: BPEExactString, b: BPEExactString) -> Bool {
        var x = a.string, y = b.string
        return x.withUTF8 { p in y.withUTF8 { q in p.count == q.count && (p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0) } }
    }

    func hash(into hasher: inout Hasher) {
        var x = string
        x.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
