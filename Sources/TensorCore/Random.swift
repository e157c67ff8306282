// RandomGenerator: xoshiro256** seeded through SplitMix64; small, fast, and its whole state is four
// integers that checkpoints save so a resumed run draws the same numbers.
import Foundation

/// A seeded pseudo-random generator (xoshiro256**) whose state can be saved and restored.
public struct RandomGenerator: RandomNumberGenerator, Equatable {
    public var state: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the four state words from `seed` with SplitMix64, as the xoshiro authors recommend.
    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// Restores a generator from saved state words.
    public init(state words: [UInt64]) {
        precondition(words.count == 4, "RandomGenerator state has 4 words, got \(words.count)")
        state = (words[0], words[1], words[2], words[3])
    }

    public var stateWords: [UInt64] { [state.0, state.1, state.2, state.3] }

    public static func == (a: RandomGenerator, b: RandomGenerator) -> Bool { a.stateWords == b.stateWords }

    @inline(__always) static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Self.rotl(state.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always) public mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Standard normal (Box–Muller, one value per call).
    public mutating func nextNormal() -> Float {
        let u1 = Double(next() >> 11) * 0x1p-53
        let u2 = Double(next() >> 11) * 0x1p-53
        let r = (-2 * log(max(u1, 1e-300))).squareRoot()
        return Float(r * cos(2 * Double.pi * u2))
    }
}

