// PersonaEntry: one PESConv persona field (`persona`, or an entry of `persona_list`) made from
// persona sentences, in the form the toolkit writes: `<persona> a <persona> b <input>`, or `<input>`
// alone when there is no sentence. (`DialogueExamples.personaSentences` reads one back.)

public enum PersonaEntry {
    /// The entry holding `sentences`, in order.
    public static func make(_ sentences: [String]) -> String {
        sentences.isEmpty ? PALTokens.noPersona
            : sentences.map { "\(PALTokens.persona) \($0)" }.joined(separator: " ") + " \(PALTokens.noPersona)"
    }
}
