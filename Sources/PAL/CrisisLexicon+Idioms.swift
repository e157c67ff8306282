// Idioms and topic phrases whose crisis-sounding words are harmless: removed from a message before
// the lexicon and the semantic layer read it. Each is narrow on purpose, so the rest of the message
// is still read: "this exam killed me and honestly I want to die" is flagged on "want to die".

extension CrisisLexicon {
    /// Things that die, break or run out ("my phone died", "the battery is dead").
    private static let things = "(phone|cellphone|cell|battery|batteries|laptop|computer|pc|mac|iphone|android|tablet|ipad|charger|car|engine|"
        + "motor|bike|tv|console|controller|headphones|airpods|mouse|keyboard|printer|router|wifi|internet|bulb|lightbulb|torch|flashlight|"
        + "plant|plants|flowers|garden|tree|grass|fish|goldfish|party|conversation|chat|thread|group chat|server|link|game|character|"
        + "avatar|hero|vibe|mood|meme|joke|trend|show|series|band|career|signal|watch|alarm|dryer|fridge|oven|microwave|heater)"
    /// What people die of, dying to or for, in hyperbole.
    private static let hyperbole = "(laughter|laughing|embarrassment|shame|boredom|hunger|thirst|heat|cold|cringe|curiosity|envy|jealousy|"
        + "excitement|anticipation|suspense|cuteness|happiness|joy|fright|a heart attack|exhaustion|old age)"

    static let idioms: [String] = [
        // MARK: - English
        "(killing|killed|kills) me( slowly| softly| inside)?|(going to|gonna|will|would|is going to|gon|bout to|about to) (kill|murder) me",
        "killing time|kill (the|some|a few) (time|hours|minutes|lights|light|engine|music|mood|vibe|process|app|tab)|killed it|killing it|kill it|killer",
        "(killing|killed|kill|kills) myself (laughing|with laughter|to (finish|get|make|meet|pay|study|keep|hit|pass)|at (work|the gym|the office)|over (this|that|work|it)|working|studying)",
        "(killed|kill|killing|killin) (myself|my self) (in|on|at|playing) (the |this |that |a )?(game|level|match|round|map|minecraft|fortnite|mario|zelda|sims)|(killed|kill) (myself|my self) with my own (grenade|rocket|bomb|trap|spell)",
        "(die|died|dying|dead|death) (of|from|with|by) \(hyperbole)|(died|dying|die|dead) laughing|(could|gonna|going to|will|would|might) die (of|from) \(hyperbole)",
        "dying (to|for) (see|meet|try|go|know|hear|get|eat|watch|read|tell|find|visit|have|buy|play|listen|show|talk|sleep|a |an |some |the |one |this )",
        "dying inside (from|of) cringe|to die for|do or die|die hard|diehard|dye|dyeing|dying (my|her|his|the) (hair|shirt|clothes|eggs|fabric)",
        "(my|the|our|his|her|their|your)( \\w+)? \(things) (just |has |had |totally |completely |finally |basically )?(died|dies|dying|is dead|was dead|is dying)",
        "\(things) (is |was |has )?(died|dead|dying)|dead (tired|serious|wrong|end|link|battery|last|heat|lift|weight|line|silence|center|centre|ringer|giveaway|set|on|air)",
        "(overdos\\w*|od|oded|od d) on (coffee|caffeine|sugar|chocolate|candy|sweets|cake|cookies|netflix|tv|anime|memes|cuteness|love|drama|work|studying|carbs|pizza|food|sunshine|vitamin \\w+|energy drinks|red bull|espresso|tea|cheese|music|k ?pop|nostalgia|information)",
        "(sugar|caffeine|coffee|chocolate|cuteness|information|drama|carb|data|sun|vitamin|nostalgia|serotonin|dopamine) overdose",
        "suicide (prevention|awareness|squad|rates|rate|statistics|mission|missions|doors|door|bomber|bombers|bombing|bombings|hotline|hotlines|lifeline|crisis line|research|risk assessment|training|is painless|forest)",
        "suicidal (patients|patient|clients|client|callers|caller|students|teens|youth|people|individuals)|(nurse|doctor|therapist|patients?|clients?) who (was|were|is|are) suicidal",
        "self ?harm (awareness|prevention|in (teens|teenagers|adolescents|young people|youth|students|children|kids)|statistics|research|training|policy|resources|support group)",
        "(class|lecture|talk|training|course|module|paper|article|essay|documentary|book|unit|seminar|workshop) (on|about) (self ?harm|suicide)",
        "murder ?suicide|suicide pact in the (book|movie|film|novel|show)",
        "(cut|cutting|burn|burned|burnt|burning|hurt|scratched|scratch|hit) (myself|my self) (shaving|cooking|chopping|gardening|playing|skiing|running|lifting|at the gym|by accident|accidentally|on (the|a) (stove|oven|pan|kettle|iron|knife|glass|paper|fence|nail|door|table|counter)|with (the|a) (kitchen knife|iron|curling iron|straightener|hot (pan|water|oil|tea|coffee)))",
        "(shot|shoot|shooting) (myself|my self) in the foot|(take|taking|took) (my|our) life (back|in a new direction|into my own hands|to the next level|seriously|for granted|in my hands)",
        "(buy|bought|buying|need|get|got) (a |some |the )?rope (for|to) (the|a|my|our) (tent|boat|hammock|swing|climbing|clothesline|garden|dog|tarp|camping)",
        "(end|ending|ended) it (all )?(on|with) a (high|good|positive) note|end it (with|between) (him|her|them|us)",
        "saved my life|saves my life|save my life|life ?saver|(a|the) life of the party",
        "hang (out|in there|on|up|tight|loose|around)|hanging (out|in there|on|up|around)",
        "(jump|jumping|jumped) (right )?(in|into|on|onto|at) (the|a|this|that|my) (pool|trampoline|bed|bandwagon|project|call|chance|opportunity|conversation|queue|line|shower|car|train|bus|stage)",
        // MARK: - Spanish
        "me (muero|mori|estoy muriendo) de (ganas|risa|hambre|sed|frio|calor|sueno|verguenza|aburrimiento|envidia|amor|miedo)|muerto de (risa|hambre|sed|frio|calor|sueno|verguenza|miedo)",
        "me (esta|estan) matando|me mata (el|la|los|las|de)|(se|el|la) (murio|muere) (el|la|mi)? ?(telefono|celular|movil|bateria|computadora|laptop|coche|carro)|(telefono|celular|movil|bateria) se (murio|muere)",
        // MARK: - French
        "(je )?(meurs|mourrais|mourir) de (faim|rire|soif|froid|chaud|envie|honte|ennui|peur)|mort de (rire|faim|soif|froid|honte|peur)|ca me tue|(m|ma|m a) tue(e)?|(telephone|portable|batterie|ordinateur) est mort",
        // MARK: - German
        "(sterbe|sterben|sterb) vor (hunger|durst|lachen|langeweile|kalte|hitze|angst|scham)|lache mich tot|bringt mich (noch )?um|(handy|akku|laptop|computer|auto) ist tot",
        // MARK: - Italian
        "(muoio|morire|morto|morta|morendo) (dal|dalle|di|dalla) (ridere|risate|fame|sete|freddo|caldo|noia|vergogna|sonno|paura)|mi (uccide|ammazza)|(telefono|cellulare|batteria|computer) (e )?morto",
        // MARK: - Portuguese
        "(morrendo|morrer|morri|morro) de (saudade|saudades|rir|fome|sede|frio|calor|vergonha|tedio|sono|medo|amor)|me (matou|mata|matando)|(celular|telefone|bateria|computador) (morreu|morre)",
    ]
}
