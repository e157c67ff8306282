// PythonRandom: CPython's `random` module (MT19937 seeded by init_by_array, getrandbits, shuffle),
// so that seed 13 shuffles the 1,300 ESConv conversations exactly as the reference's process.py does.

/// A Mersenne Twister that draws the same numbers as CPython's `random.Random(seed)`.
public struct PythonRandom: Sendable {
    private static let n = 624, m = 397
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    /// `random.seed(seed)` for a non-negative integer seed.
    public init(seed: UInt64) {
        // CPython splits abs(seed) into 32-bit words, least significant first (at least one word).
        var key: [UInt32] = [UInt32(truncatingIfNeeded: seed)]
        if seed >> 32 != 0 { key.append(UInt32(truncatingIfNeeded: seed >> 32)) }
        initByArray(key)
    }

    private mutating func initGenrand(_ s: UInt32) {
        state[0] = s
        for i in 1..<Self.n {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = Self.n
    }

    private mutating func initByArray(_ key: [UInt32]) {
        initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(Self.n, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1; j += 1
            if i >= Self.n { state[0] = state[Self.n - 1]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<(Self.n - 1) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= Self.n { state[0] = state[Self.n - 1]; i = 1 }
        }
        state[0] = 0x8000_0000
    }

    /// The next tempered 32-bit output (genrand_uint32).
    public mutating func nextUInt32() -> UInt32 {
        if index >= Self.n {
            for k in 0..<Self.n {
                let y = (state[k] & 0x8000_0000) | (state[(k + 1) % Self.n] & 0x7FFF_FFFF)
                state[k] = state[(k + Self.m) % Self.n] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `random.getrandbits(k)` for 1 ≤ k ≤ 32.
    public mutating func getrandbits(_ k: Int) -> UInt32 {
        precondition(k >= 1 && k <= 32, "getrandbits supports 1…32 bits here")
        return nextUInt32() >> UInt32(32 - k)
    }

    /// `random._randbelow(n)`: uniform in 0..<n by rejection on n.bit_length() bits.
    public mutating func randbelow(_ n: Int) -> Int {
        precondition(n > 0 && n <= Int(UInt32.max))
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = Int(getrandbits(k))
        while r >= n { r = Int(getrandbits(k)) }
        return r
    }

    /// `random.shuffle(x)` (Fisher–Yates from the end).
    public mutating func shuffle<T>(_ x: inout [T]) {
        guard x.count > 1 else { return }
        for i in stride(from: x.count - 1, through: 1, by: -1) {
            x.swapAt(i, randbelow(i + 1))
        }
    }
}
