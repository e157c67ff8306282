// The English crisis phrases, by category. Written against CrisisText (no apostrophes: "dont",
// "im", "id"; no punctuation) and read tolerantly (CrisisLexicon.tolerant): "kill" also matches
// "kil" and "killl", "kill myself" also "killmyself" (so "off" is written "of{2}", lest it read
// "of"). Misspelt key words ("sucide", "myslef") are restored before matching, leetspeak decoded
// ("k1ll", "$uicide"), spelled-out letters joined.

extension CrisisLexicon {
    // MARK: - Shared pieces

    /// Me, myself.
    static let myself = "(myself|my self|me self|meself)"
    /// The ways people write "I want to" / "I'm going to" before a verb.
    /// Hyperbole ("I could die", "I'm about to die in this heat") is left out on purpose.
    static let intent = "(want|wanna|wana|wan|wanted|wish|wishing|going|gonna|gunna|gona|finna|ima|imma|ready|need|plan|planning|planned|"
        + "decided|deciding|trying|try|tried|should)( to| 2| too)?( just| really| finally| actually)?"
    /// Thinking about something.
    static let thinking = "(think|thinking|thinkin|thought|thoughts|dream|dreaming|fantasi[sz]e|fantasi[sz]ing|obsessing|considering|consider|contemplating|researching|googling|looking up)( about| abt| bout| of| on| over)?"
    /// Life, as people spell it.
    static let life = "(life|lif|lyfe|lfe)"
    /// Pills, medicines and other things people overdose on.
    static let pills = "(pills|pill|meds|medication|medications|medicine|tablets|antidepressants|painkillers|pain killers|sleeping pills|"
        + "tylenol|paracetamol|acetaminophen|ibuprofen|advil|aspirin|xanax|valium|oxy|oxycodone|opioids|insulin|lithium|benzos|prescriptions)"
    /// Someone else: him, her, them.
    static let themselves = "(himself|herself|themselves|themself|themselfs)"

    static let english: [Entry] = [
        // MARK: - Direct ideation: wanting, meaning or planning to die
        Entry(.directIdeation, .en, "(kill|killing|killin|killed|kills) \(myself)"),
        Entry(.directIdeation, .en, "(end|ending|ended|take|taking|took) (my|me) (own )?\(life)"),
        Entry(.directIdeation, .en, "\(intent) (die|d ie)"),
        Entry(.directIdeation, .en, "suicidal|suicidaly|suicidally|suicidality|suicidial"),
        Entry(.directIdeation, .en, "(commit|committing|comitting|commiting|committed|attempt|attempting|attempted|consider|considering|"
              + "contemplate|contemplating|plan|planning|planned|try|trying|tried|do|doing|chose|choose|choosing) suicide"),
        Entry(.directIdeation, .en, "\(thinking) (suicide|killing \(myself)|ending (it|my \(life)|everything)|dying|death|not being (here|alive))"),
        Entry(.directIdeation, .en, "suicide (is|seems|feels|looks|sounds)( like)? (the|my|a)? ?(only|best|answer|option|way out|solution|easiest)"),
        Entry(.directIdeation, .en, "suicide (is looking|looks|sounds|seems|feels) (real |really |pretty |so |kinda )?(good|nice|appealing|tempting|better|peaceful)"),
        Entry(.directIdeation, .en, "suicide (is all|is on my mind|keeps|has been on my mind|plan|plans|pact|thoughts|ideation|urges)"),
        Entry(.directIdeation, .en, "(my|another|last|second|third|first|next) suicide (attempt|try)"),
        Entry(.directIdeation, .en, "^(suicide|suicidal|kill me|i want to die|want to die|end it)$"),
        Entry(.directIdeation, .en, "end it all|end everything|end this all|end it for good|end it once and for all|ending it all"),
        Entry(.directIdeation, .en, "(want|wanna|gonna|going|need|ready|decided|plan|planning|about|might|will|ill|should|could|ima|imma|gotta|time)( to)?( just)? end it\\b(?! (with|between|here|now with|today with))"),
        Entry(.directIdeation, .en, "(rather|prefer to) (be )?dead|(want|wanna|wish) to be dead|better off dead"),
        Entry(.directIdeation, .en, "(feel|feeling|felt) like (dying|ending it|killing \(myself))"),
        Entry(.directIdeation, .en, "(hang|hanging|hung|hangin) \(myself)|(shoot|shooting|shot) \(myself)|(drown|drowning) \(myself)|"
              + "(poison|poisoning|suffocate|suffocating|starve) \(myself) to death"),
        Entry(.directIdeation, .en, "(should|might as well|want to|wanna) (just )?(die|disappear forever|not exist)"),
        Entry(.directIdeation, .en, "(hate|hating) (myself|my \(life)) (so much )?(that )?(i )?(want|wanna|could|would) (to )?(die|disappear|end it)"),
        Entry(.directIdeation, .en, "(i|ive|i have|im|i am|i will|ill|i might|might|gonna|going to|want to|wanna|about to|try to|trying to|tried to)( just)? (overdose|overdosed|od|oding|od ing)\\b"),
        Entry(.directIdeation, .en, "(took|taken|take|taking|had|have) (an|another) (overdose|od)"),
        Entry(.directIdeation, .en, "(cant|cannot|can not|dont want to|do not want to) (live|go on|keep living|keep going|carry on) (like this|anymore|any more|much longer)"),

        // MARK: - Passive and indirect ideation
        Entry(.passiveIdeation, .en, "(dont|do not|dnt|no longer|not|never) (want|wanna|wish|feel like)( to)? (live|be alive|exist|wake up|keep living|go on living|stay alive)(?! (in|with|at|near|there|together|on|under|next|by|somewhere|abroad|close|like that|forever))"),
        Entry(.passiveIdeation, .en, "(dont|do not|no longer) (want|wanna)( to)? be (here|around) (anymore|any more|no more|any longer)"),
        Entry(.passiveIdeation, .en, "(dont|do not|no longer|not) (want|wanna)( to)? (be|stay) (here|around|alive) (anymore|any more|no more)"),
        Entry(.passiveIdeation, .en, "wish (i|id) (was|were|had been|could be) (dead|gone|never born)|wish (i|id) (had )?never (been born|existed)|wish i (wasnt|werent|was not|were not|didnt) (alive|born|exist|here)"),
        Entry(.passiveIdeation, .en, "wish (i could|to|i would|id|that i could)( just)? (die|disappear|stop existing|not exist|sleep forever|fall asleep forever|vanish|not wake up|never wake up)"),
        Entry(.passiveIdeation, .en, "(better|happier|easier) (off )?(without me|if i( just)? (was|were|wasnt|werent|was not|were not|didnt|did not|dont)( just)?( here| around| gone| dead| alive| exist| existed| born| in it)|if i (just )?(died|disappeared|left forever|was gone|ended it)|once im gone|when im gone|after im gone)"),
        Entry(.passiveIdeation, .en, "(no ?one|nobody|noone|no body|not a soul)( would| will|d|wud|wouldnt)?( even)? (notice|care|miss me|mind|cry)( if| when| that| once)( i| im)"),
        Entry(.passiveIdeation, .en, "(im|i am|i m|feel|feeling|felt|being|been|i feel like|am|just|always|only)( like)?( such| just| only| nothing but| always| a huge| a big| so much of| the)? a burden"),
        Entry(.passiveIdeation, .en, "burden (on|to|for) (everyone|everybody|my family|my parents|the people|people|my friends|them|all)"),
        Entry(.passiveIdeation, .en, "(no|what is the|whats the|whats even the|whats the|what even is the|is there any|dont see the|dont see any|cant see the|lost the) point( in| of| to)?( even)? (living|life|being alive|going on|carrying on|existing|staying alive|being here|it all|anything anymore|keep living|trying anymore)"),
        Entry(.passiveIdeation, .en, "(no|dont have a|dont have any|lost my|cant find a|there is no|theres no) (reason|reasons) (to|for me to|left to|i should) (live|go on|be here|stay|keep going|exist|be alive|wake up|carry on)"),
        Entry(.passiveIdeation, .en, "\(life) (is not|isnt|aint|is no longer|not) worth (living|it anymore|it any more)|not worth living"),
        Entry(.passiveIdeation, .en, "(tired|sick|exhausted|done|finished|fed up) (of|with) (living|being alive|\(life)|existing|being here|this \(life)|breathing)(?! (being|with|in))"),
        Entry(.passiveIdeation, .en, "(had|have had) enough of (this )?(\(life)|living|being alive|everything)"),
        Entry(.passiveIdeation, .en, "(hope|wish|pray|praying|want|wanna|rather|hoping)\\w*( .{0,20})? (i|to)\\b( \\w+){0,5} (never|not|dont|wont|do not|will not) (wake|waking) (up|again)"),
        Entry(.passiveIdeation, .en, "(go to|fall|falling|went to|going to) sleep (and|&) (never|not) wake|sleep forever|sleep and never wake|(not|never) (to )?wake up (again|ever again|tomorrow)"),
        Entry(.passiveIdeation, .en, "(wouldnt mind|would not mind|hope|wish|want|pray|praying|hoping|rather|wouldnt care).{0,20}(die|died|dying|pass away) (in my sleep|tonight|soon)"),
        Entry(.passiveIdeation, .en, "(wish|wishing|hope|hoping|pray|praying|want|wanna)\\w*( that)? (a|some|the) (car|bus|truck|lorry|train|driver)( would| will| could)?( just)? (hit|hits|run me over|runs me over)"),
        Entry(.passiveIdeation, .en, "(wish|wishing|hope|hoping|pray|praying|want|wanna)\\w*( that)? (i|to) (get|got|would get|could get|be)( \\w+)? (hit|run over) by"),
        Entry(.passiveIdeation, .en, "disappear(ed)? (forever|for good|permanently|and never come back|from this world)|stop existing|cease to exist|cease existing|not exist (anymore|any more)|dont want to exist|want to not exist|(vanish|fade away) forever"),
        Entry(.passiveIdeation, .en, "(no|only) (way out|escape|option|solution)( left)? (but|except|other than|is|would be)( to)? (die|dying|death|suicide|ending it|killing \(myself))"),
        Entry(.passiveIdeation, .en, "(die|dying|death|suicide|ending it) (is|seems|feels like|would be) (the )?(only|best|easiest) (way|option|answer|solution|escape)"),
        Entry(.passiveIdeation, .en, "(done|finished) with (\(life)|living|being alive|this \(life)|existing|this world)|(want|wanna) out of (this )?(\(life)|world)|cant do (\(life)|this \(life)|living) anymore"),
        Entry(.passiveIdeation, .en, "(wont|will not|not going to|not gonna|dont plan on|do not plan on|not planning on|wont even)( be| being) (here|around|alive)( much longer| for long| next (week|month|year)| tomorrow| anymore| to (see|look after|take care))"),
        Entry(.passiveIdeation, .en, "(problem|burden|bother|trouble) (for|to) (anyone|anybody|you|everyone|you all|anyone else) (much )?(longer|anymore|soon)"),
        Entry(.passiveIdeation, .en, "(dont|do not|cant) trust myself( not to| tonight| to be safe| to stay safe| alone| right now)|(scared|afraid) of (myself|what i might do|what ill do|what i will do)"),
        Entry(.passiveIdeation, .en, "(pain|suffering|hurting|it all|everything) (to )?(stop|end) (forever|for good|permanently)|make (the pain|it all|it) (stop|end) (forever|for good|permanently)"),
        Entry(.passiveIdeation, .en, "(want|wanna|wish|need) (everything|this all|it all|all of it|all this|my \(life)) (to )?(end|be over|stop)(?! (with|between|so|early|soon so|already so))"),
        Entry(.passiveIdeation, .en, "(want|wanna|wish|need) (it|this) (to )?(all )?(end|be over)( forever| for good| permanently| all of it)"),
        Entry(.passiveIdeation, .en, "(want|wanna|wish|need) (it|this) (to )?(all )?(end|be over)$"),
        Entry(.passiveIdeation, .en, "(tired|sick|exhausted) of (being alive|waking up|living like this)|dont want to wake up"),
        Entry(.passiveIdeation, .en, "\(life) (has|holds|had) no (meaning|point|purpose|value)( for me)?( anymore| any more| now|$)"),
        Entry(.passiveIdeation, .en, "(soon|tonight|tomorrow|almost over)( i)? (wont|will not|will never|never) (feel|hurt|suffer) (anything|again|anymore|any more)"),
        Entry(.passiveIdeation, .en, "(will|would|could) (finally )?be (free|at peace|gone) (soon|forever|when im dead|once im dead|when i die)"),
        Entry(.passiveIdeation, .en, "(wish|wishing) (i|id) (was|were) (never|not) (here|alive|born)|(wish|wishing) i could (go to sleep|sleep) and not wake"),

        // MARK: - Plans and means
        Entry(.plansAndMeans, .en, "(saving|saved|stockpiling|stockpiled|hoarding|hoarded|collecting|collected|stashing|stashed|save|saving up|saved up|hiding|hid|counting|counted|storing|stored)( up)? (up )?(my |all my |all of my |the |some |a lot of |enough |extra |lots of )?\(pills)"),
        Entry(.plansAndMeans, .en, "(took|taken|swallowed|swallowing|downed|ate|take|taking|swallow|down|od on|overdose on|overdosing on)( \\w+)? (a whole|the whole|whole|all|all my|all of my|all the|a bunch of|bunch of|a handful of|handfuls of|loads of|lots of|tons of|too many|the rest of|a bottle of|bottle of|the bottle of|every|\\d\\d+|twenty|thirty|forty|fifty|a hundred)( of)?( my| the| these| those)? ?(\\w+ )?\(pills)"),
        Entry(.plansAndMeans, .en, "(took|swallowed|downed)( \\w+)? (the whole|a whole|the|a) (bottle|box|pack|packet|strip)( of \\w+)?"),
        Entry(.plansAndMeans, .en, "(swallow|swallowing|take|taking|down|downing|eat|eating)( \\w+)? (everything|all) in (the|my) (medicine|med|bathroom) (cabinet|cupboard|drawer)"),
        Entry(.plansAndMeans, .en, "how (many|much)( of)?( \\w+){0,4} (would|will|does|do|to|it take|is|would it take|does it take|until|till|before).{0,30}(kill|lethal|fatal|deadly|die|overdose|od|not wake|never wake|stop my heart|end it)"),
        Entry(.plansAndMeans, .en, "(lethal|fatal|deadly|killing|toxic) (dose|doses|amount|quantity|overdose)"),
        Entry(.plansAndMeans, .en, "(ways|way|methods|method|how|best way|easiest way|quickest way|quickest|easiest) to (die|kill \(myself)|end (it|my \(life)|everything)|commit suicide|overdose|hang \(myself))"),
        Entry(.plansAndMeans, .en, "painless (way|ways|death|method|methods|suicide|way out)"),
        Entry(.plansAndMeans, .en, "(bought|buy|buying|got|get|getting|have|has|tied|tie|tying|made|make|making|set up|setting up|hung|found|ordered) (a |the |some |my )?(rope|noose|ligature)(?! (for|to tie|swing|ladder|course|access|light|lights|toy|bridge|climbing))"),
        Entry(.plansAndMeans, .en, "noose|(the|my) rope is (already )?(ready|tied|up|in my|set up|hanging)"),
        Entry(.plansAndMeans, .en, "(loaded|load|loading|cocked|cocking) (a |the |my |his |her |dads |moms )?(gun|pistol|revolver|rifle|shotgun|handgun)|(gun|pistol|revolver|rifle|shotgun|handgun) (is )?(loaded|in my mouth|to my head|against my head|next to me|in my hand|in my lap)"),
        Entry(.plansAndMeans, .en, "(eat|eating|ate) a bullet|bullet (in|through) my (head|brain|skull)|blow my (brains|head) (out|off)|put a gun to my head"),
        Entry(.plansAndMeans, .en, "(on|at|standing on|sitting on|leaning over|climbed|climbing|over) (the |a )?(edge|ledge|railing|rail|side) of (the |a |my |this )?(bridge|roof|rooftop|building|cliff|balcony|platform|tracks|overpass|tower|car park|parking garage|window|dam)"),
        Entry(.plansAndMeans, .en, "(im|i am|standing|sitting|stood|sat) (on|at|by|under|near) (the |a )?(bridge|ledge|rooftop|roof|cliff|overpass|tracks|train tracks|railway|railing|top floor)( right)? now"),
        Entry(.plansAndMeans, .en, "(thinking|thought|think|thinkin|going|gonna|want|wanna|wanted|plan|planning|ready|about|might|should|could|will|ill|urge|urges|tempted)( about| of| to)?( just)? (jump|jumping|leap|leaping) (of{2}|from|in front of|out of (the |a |my )?window|out (the |a |my )?window)"),
        Entry(.plansAndMeans, .en, "\(thinking) (jumping|leaping)|(jump|jumping|leap|leaping|step|stepping|throw myself|throwing myself) (of{2}|from) (the |a |my |this )?(bridge|roof|building|balcony|cliff|ledge|tower|overpass|car park|parking garage|tallest|top of)"),
        Entry(.plansAndMeans, .en, "(jump|jumping|step|stepping|walk|walking|throw myself|throwing myself|lie|lying|lay) (in front of|into|onto|on) (a |the )?(train|bus|truck|lorry|car|subway|traffic|oncoming traffic|tracks|railway|train tracks|sea|ocean|river|lake)"),
        Entry(.plansAndMeans, .en, "(drive|driving|crash|crashing|steer|steering|swerve|swerving|drove)( \\w+){0,3} (into|of{2}) (a |the )?(wall|tree|traffic|oncoming traffic|cliff|bridge|river|lake|ditch|truck|lorry|pole|road|barrier|edge)"),
        Entry(.plansAndMeans, .en, "(garage|car) with the (car|engine) running|(engine|car) running in (the|my) garage|(carbon monoxide|charcoal|exhaust fumes|helium) (to|and|in|tonight)"),
        Entry(.plansAndMeans, .en, "(slit|slitting|slash|slashing|cut|cutting|open|opening) (my )?(wrists|wrist|throat|veins|arteries)"),
        Entry(.plansAndMeans, .en, "(razor|razors|razor blade|razor blades|blade|blades|knife|knives) (are |is )?(ready|out|in my hand|to my (wrist|wrists|skin|arm|arms|throat))|(holding|have|got) (a |the |my )?(knife|razor|blade) (in my hand|to my)"),
        Entry(.plansAndMeans, .en, "(know|decided|figured out|planned|worked out)( exactly)? (how|when|where) (i|ill|i will|im going to|id|i would|im gonna) (do it|end it|kill \(myself)|die)"),
        Entry(.plansAndMeans, .en, "(have|got|made|making|make) (a|the) (plan|date|method)( now)? (to|for|of)( when| how)? (end it|end my|die|kill \(myself)|do it|suicide|my death|take my)"),
        Entry(.plansAndMeans, .en, "(all )?(my|the|these|those) \(pills).{0,25}(in front of me|lined up|counted out|on the table|ready|in my hand)"),
        Entry(.plansAndMeans, .en, "\(pills) (ive|i have|i had|id|i was|im) (been )?(saving|collecting|hoarding|stockpiling|stashing|hiding|keeping)"),
        Entry(.plansAndMeans, .en, "(looking at|staring at|looked at) (the|my) \(pills)( \\w+){0,4} (differently|and thinking|thinking|wondering)"),

        // MARK: - Preparatory acts
        Entry(.preparatoryActs, .en, "(wrote|writing|written|write|left|leave|leaving|drafted|drafting|finished)( \\w+)? (a |my |the |some |all my )?(suicide|goodbye|good bye|farewell|final|last) (note|notes|letter|letters|message|messages|video)"),
        Entry(.preparatoryActs, .en, "suicide (note|letter)"),
        Entry(.preparatoryActs, .en, "(wrote|written|writing) (goodbye |farewell |final |last )?(letters|notes) (to|for) (everyone|everybody|all|the people i love|my (family|kids|children|friends|parents|loved ones))"),
        Entry(.preparatoryActs, .en, "(giving|give|gave|given) away (all (of )?)?my (stuff|things|belongings|possessions|stuff)|(giving|give|gave|given) away all (of )?my"),
        Entry(.preparatoryActs, .en, "(said|saying|say|sent|sending|texted|texting) (my )?(goodbyes|goodbye|good bye|farewell|farewells) to (everyone|everybody|people|my family|all|my friends|my kids|my parents|the people i love)"),
        Entry(.preparatoryActs, .en, "this is (goodbye|good bye|farewell|my goodbye|my last (message|post|goodbye)|the last (message|time you (will )?hear))|(my )?last message (to|for) (anyone|everyone|you all|you guys|the world)|goodbye (everyone|forever|world|cruel world)"),
        Entry(.preparatoryActs, .en, "(affairs|things|everything) in order (before i|for when|so nobody|so no one)|(getting|got|put|putting) my affairs in order"),
        Entry(.preparatoryActs, .en, "(after|once|when) (im|i am) (gone|dead|no longer here|not here anymore)|(deal|deals|dealing) with my (stuff|things|body) after"),
        Entry(.preparatoryActs, .en, "(wont|will not|not going to|dont|do not)( be)? (need|needing) (them|it|this|these|that|those|anything|any of (it|this|them|these|that)|my \\w+)( \\w+)? (anymore|any more|after (this|today|tonight|next|friday|the weekend)|where im going|soon)"),
        Entry(.preparatoryActs, .en, "(found|finding|find) (a )?(new )?(home|homes|owner|owners) for my (cat|cats|dog|dogs|pets|pet|bird|rabbit|fish)( \\w+){0,6} (wont|will not|not going to) be"),

        // MARK: - Self-harm
        Entry(.selfHarm, .en, "(cut|cutting|cuttin|cuts|slice|slicing|sliced|carve|carving|carved|burn|burning|burnt|burned|hurt|hurting|harm|harming|harmed|hit|hitting|punch|punching|punched|scratch|scratching|scratched|stab|stabbing|stabbed|bite|biting|punish|punishing|starve|starving|injure|injuring|injured|mutilate|mutilating|bruise|bruising) \(myself)"),
        Entry(.selfHarm, .en, "self ?(harm|harming|harmed|injury|injuries|injure|injuring|mutilation|mutilate|mutilating|hurt|hurting)|\\bsh (again|relapse|urges|scars|cuts)"),
        Entry(.selfHarm, .en, "(cut|cutting|cuts|slicing|slashing|carve|carving|carved|stabbing) (on |into )?(my )?(arm|arms|wrist|wrists|thigh|thighs|leg|legs|skin|stomach|belly|body|hip|hips|forearm|forearms|ankles)\\b"),
        Entry(.selfHarm, .en, "(relapse|relapsed|relapsing|relapses)( on| with| into)? (self ?harm|sh|cutting|cut|burning)|(relapse|relapsed|relapsing) and (cut|burned|burnt|hurt|harmed)"),
        Entry(.selfHarm, .en, "(want|wanna|need|needing|urge|urges|craving|crave|itching|tempted)( to)? (cut|hurt myself|harm myself|burn myself|bleed|see blood)(?! (back|down|costs?|the|my hair|hair|it|off|ties|carbs|sugar|corners?|loose|weight|budget|spending|calories|class|school|work|out|in|line|them|him|her|you|people|contact|my losses|a deal|a key|the cord))"),
        Entry(.selfHarm, .en, "(started|start|starting|been|keep|kept|began|begun|back to|go back to|went back to) (cutting|self harming|burning myself|hurting myself)(?! (back|down|out|costs?|carbs|sugar|the|my hair|hair|corners|ties|onions|grass|wood|paper|class|classes|school))"),
        Entry(.selfHarm, .en, "(burn|burned|burnt|burning|cut|cutting|hurt|hurting|hit|hitting|scratch|scratched|scratching|harm|harmed|stab|stabbed|bruise|bruised) (my|myself)( \\w+){0,4} (on purpose|deliberately|intentionally)"),
        Entry(.selfHarm, .en, "(carve|carving|carved|cut|cutting|scratch|scratching|etch|etching|write|writing) (\\w+ ){0,2}(into|in|on) my (skin|arm|arms|wrist|wrists|thigh|thighs|leg|legs|stomach)"),
        Entry(.selfHarm, .en, "(covered|full) (in|of|with) (cuts|scars|burns|self harm scars)|(fresh|new|deep) (cuts|wounds|scars) on my"),
        Entry(.selfHarm, .en, "(until|till|til|untill) (it|they|i) (bleed|bleeds|bled|bleeding|bruise|bruises)"),
        Entry(.selfHarm, .en, "(bang|banging|banged|hit|hitting|smash|smashing|smashed) my head (on|against|into) (the |a )?(wall|walls|floor|door|desk|mirror)"),
        Entry(.selfHarm, .en, "(razor|blade|blades|knife|lighter|scissors|glass) (to|on|against) my (skin|arm|arms|wrist|wrists|thigh|thighs|leg|legs)"),

        // MARK: - Slang and euphemisms
        Entry(.slang, .en, "(?<!\\d )kms"),
        Entry(.slang, .en, "unalive|unaliving|unalived|unalive myself"),
        Entry(.slang, .en, "self ?(delete|deleting|deletion|terminate|terminating)"),
        Entry(.slang, .en, "sewer ?slide|sewerslide|sewer sliding|commit (sudoku|die|toaster bath|neck rope|self delete)|toaster bath"),
        Entry(.slang, .en, "ctb|catch the bus (tonight|soon|forever|for good|finally)"),
        Entry(.slang, .en, "(of{2}|of{2}ing|of{2}ed|top|topping|topped|neck|necking|end|ending|yeet|yeeting|delete|deleting) \(myself)(?! (up|off|out))"),
        Entry(.slang, .en, "(gonna|going to|ima|imma|want to|wanna|might|will|should|could)( just)? rope\\b(?! (in|them|him|her|someone|people|into))"),
        Entry(.slang, .en, "game end \(myself)|end my (game|run|existence|story|journey) (for good|forever|tonight|permanently)"),

        // MARK: - Someone else at risk now
        Entry(.someoneAtRisk, .en, "(kill|killing|killed|end|ending|hurt|hurting|cut|cutting|harm|harming|hang|hanging|shoot|shooting|overdose|overdosing) \(themselves)"),
        Entry(.someoneAtRisk, .en, "(he|she|they)( \\w+){0,3} (wants|want|wanted|is going|are going|is gonna|are gonna) to die|(he|she|they) (is|are|s|feels|has been|have been|seems) suicidal"),
    ]
}
