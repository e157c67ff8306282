// PersonaCondition: which persona a model is given at evaluation, to measure whether it uses the
// persona at all — the conversation's own (`true`), another conversation's (`shuffled`: a seeded
// derangement of the conversations, entry k of the other's persona_list, its last entry where it is
// shorter), or none (`none`: every entry is `<input>`, the "no persona yet" token).
import PythonSemantics

public enum PersonaCondition: String, CaseIterable, Sendable {
    case `true`, shuffled, none

    /// `conversations` with their `persona_list` replaced as the condition says (unchanged for `true`).
    /// Conversations without a persona_list keep none.
    public func apply(to conversations: [Conversation], seed: UInt64 = 13) -> [Conversation] {
        switch self {
        case .true:
            return conversations
        case .none:
            return conversations.map { c in
                var c = c
                c.personaList = c.personaList?.map { _ in PALTokens.noPersona }
                return c
            }
        case .shuffled:
            let donors = Self.derangement(conversations.count, seed: seed)
            return conversations.enumerated().map { i, c in
                var c = c
                if let own = c.personaList, let theirs = conversations[donors[i]].personaList, !theirs.isEmpty {
                    c.personaList = own.indices.map { theirs[min($0, theirs.count - 1)] }
                }
                return c
            }
        }
    }

    /// A seeded permutation of 0..<n without fixed points (n ≥ 2): shuffle, then each position takes
    /// the next one's element in the shuffled cycle.
    static func derangement(_ n: Int, seed: UInt64) -> [Int] {
        guard n > 1 else { return Array(0..<n) }
        var order = Array(0..<n)
        var rng = PythonRandom(seed: seed)
        rng.shuffle(&order)
        var donor = [Int](repeating: 0, count: n)
        for (k, i) in order.enumerated() { donor[i] = order[(k + 1) % n] }
        return donor
    }
}
