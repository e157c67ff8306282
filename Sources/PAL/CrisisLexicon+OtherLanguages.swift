// The crisis phrases of Spanish, French, German, Italian and Portuguese, by category, in CrisisText's
// spelling: accents folded ("não" → "nao", "möchte" → "mochte", "ß" → "ss") and apostrophes
// dropped ("j'ai envie d'en finir" → "jai envie den finir"). Read tolerantly like the English ones.

extension CrisisLexicon {
    static let spanish: [Entry] = [
        Entry(.directIdeation, .es, "(quiero|kiero|qiero|deseo|voy a|pienso en|estoy pensando en|he pensado en|pensando en|tengo ganas de|ganas de|intente|intento|intentar|necesito|prefiero|decidi)( me)? (morir|morirme|matarme|suicidarme|quitarme la vida|acabar con mi vida|acabar con todo)"),
        Entry(.directIdeation, .es, "me (quiero|voy a|vo a|kiero) (matar|morir|suicidar)|suicidarme"),
        Entry(.directIdeation, .es, "(pensamientos|ideas|ideacion|pensando|pienso|pensado|pensar|pense) (en |de )?(el |del )?(suicidio|suicidas|suicida)|(soy|me siento|estoy) suicida"),
        Entry(.passiveIdeation, .es, "(no|ya no) (quiero|puedo) (seguir )?(vivir|viviendo|existir|despertar)(?! (en|con|aqui|alli|ahi|solo|sola|cerca|asi de))"),
        Entry(.passiveIdeation, .es, "(ya no quiero estar aqui|no quiero estar aqui (nunca )?mas)"),
        Entry(.passiveIdeation, .es, "(estarian|estaria|estarias|estariamos|vivirian|serian|seria|estaran|estara) (mucho |muy )?mejor sin mi"),
        Entry(.passiveIdeation, .es, "nadie (me )?(extranaria|echaria de menos|notaria|le importaria|se daria cuenta)|a nadie le importaria si (me muero|muero|desaparezco)"),
        Entry(.passiveIdeation, .es, "soy (solo |nada mas que )?una carga"),
        Entry(.passiveIdeation, .es, "(no (le )?veo|no tiene|no le encuentro|sin|perdi el|ya no tiene) (ningun )?sentido (a )?(la |mi )?(vida|vivir|seguir)"),
        Entry(.passiveIdeation, .es, "(cansado|cansada|harto|harta) de (vivir|la vida|existir|estar vivo|estar viva)"),
        Entry(.passiveIdeation, .es, "ojala (no despertara|no despierte|me muera|me muriera|estuviera muerto|estuviera muerta|no existiera|no hubiera nacido)"),
        Entry(.passiveIdeation, .es, "desaparecer para siempre|(dormir|dormirme) y no (despertar|volver a despertar)"),
        Entry(.plansAndMeans, .es, "(tomar|tomarme|tome|tragarme|trague|juntando|guardando|acumulando|ahorrando)( \\w+){0,2} (todas las |las |mis |un monton de )?(pastillas|pildoras|medicinas|medicamentos)"),
        Entry(.plansAndMeans, .es, "ahorcarme|colgarme|tirarme (de|del|por|a las vias|al tren|desde|bajo)|aventarme|lanzarme (del|de un|desde)|cortarme las venas|pegarme un tiro"),
        Entry(.preparatoryActs, .es, "carta de despedida|(me )?(estoy despidiendo|despedi) de (todos|todo el mundo)"),
        Entry(.selfHarm, .es, "me (corto|lastimo|hago dano|quemo|autolesiono|hago cortes)(?! (el pelo|el cabello|las unas|la barba|el flequillo))"),
        Entry(.selfHarm, .es, "cortarme(?! (el pelo|el cabello|las unas|la barba|el flequillo))|autolesion\\w*|hacerme dano|lastimarme"),
    ]

    static let french: [Entry] = [
        Entry(.directIdeation, .fr, "(veux|voudrais|vais|pense a|compte|envie de|envie d|besoin de|besoin d|prefererais|souhaite|pret a|prete a|decide de|decide d)( me)? ?(mourir|me tuer|tuer|me suicider|suicider|en finir|disparaitre pour toujours|mettre fin a (mes jours|ma vie)|crever)\\b"),
        Entry(.directIdeation, .fr, "me suicider|suicidaire|suicidaires|(pense|pensees|penser|songe|idees|idee) (au|a|de|du|aux) suicide"),
        Entry(.passiveIdeation, .fr, "veux plus (vivre|exister|me reveiller|etre la)|(pas|plus) envie de vivre"),
        Entry(.passiveIdeation, .fr, "(serait|seraient|serais|serions|seriez|sera|seront|vivraient) (bien |tellement )?mieux sans moi"),
        Entry(.passiveIdeation, .fr, "(je suis|suis) (juste )?un (fardeau|poids) pour"),
        Entry(.passiveIdeation, .fr, "(aucune|pas de|plus de|plus aucune) raison de vivre|(la |ma )?vie (na|n a) (plus de|pas de|plus aucun|aucun) sens"),
        Entry(.passiveIdeation, .fr, "(marre|fatigue|fatiguee|epuise|epuisee|las|lasse) de (vivre|la vie|exister)"),
        Entry(.passiveIdeation, .fr, "(dormir|mendormir|m endormir) (et|pour) ne (jamais|plus|pas) (me )?reveiller"),
        Entry(.plansAndMeans, .fr, "me pendre|me jeter (du|d un|dun|sous|par)|sauter (du|d un|dun|de la) (pont|toit|immeuble|balcon|falaise|fenetre)|mouvrir les veines|me tirer une balle"),
        Entry(.plansAndMeans, .fr, "(avaler|prendre|pris|avale) (toutes|tous|tout) (mes|les) (medicaments|cachets|pilules|comprimes)"),
        Entry(.preparatoryActs, .fr, "lettres? d ?adieu"),
        Entry(.selfHarm, .fr, "me (scarifie|scarifier|mutile|mutiler|coupe|couper|fais du mal|faire du mal|brule|bruler|blesse|blesser)(?! (les cheveux|les ongles|la frange|le doigt|en cuisinant))|scarification|automutilation"),
    ]

    static let german: [Entry] = [
        Entry(.directIdeation, .de, "(will|mochte|moechte|werde|wurde gerne?|wuerde gerne?|wunsche mir)( nur| einfach| endlich| jetzt)? (sterben|tot sein|nicht mehr leben|nicht mehr aufwachen|mich umbringen|mich toten|mir das leben nehmen|nicht mehr da sein)"),
        Entry(.directIdeation, .de, "(bring|bringe) mich (noch |jetzt |heute |einfach )?um|mich (umbringen|umzubringen|toten|erhangen|aufhangen|erschiessen|vergiften)"),
        Entry(.directIdeation, .de, "selbstmordgedanken|suizidgedanken|suizidal|suizidale|lebensmude|(denke|denken|gedacht|dachte|gedanken|nachgedacht) (an|uber|ueber) (selbstmord|suizid|den tod|das sterben)|selbstmord (begehen|machen)"),
        Entry(.passiveIdeation, .de, "(besser|besser dran|glucklicher|gluecklicher) ohne mich"),
        Entry(.passiveIdeation, .de, "(bin|ich bin) (nur )?(eine )?last (fur|fuer) (alle|jeden|meine familie|alle anderen)"),
        Entry(.passiveIdeation, .de, "(keinen|kein) (sinn|grund) (mehr )?(zu leben|zum leben|weiterzuleben|mehr zu leben)|das leben hat keinen sinn( mehr)?"),
        Entry(.passiveIdeation, .de, "(mude|muede) (vom|zu) leben|(nie|nicht) mehr aufwachen|nicht mehr leben"),
        Entry(.plansAndMeans, .de, "(tabletten|pillen) (gesammelt|sammeln|gehortet|horten)|(alle|die ganzen|alle meine) (tabletten|pillen) (nehmen|schlucken|genommen|geschluckt)|strick (gekauft|besorgt)"),
        Entry(.plansAndMeans, .de, "(springe|springen|spring) (von|vor) (der|die|den|einer|einen|dem|eine) (brucke|bruecke|zug|dach|hochhaus|klippe)|vor den zug"),
        Entry(.preparatoryActs, .de, "abschiedsbrief|abschiedsbriefe"),
        Entry(.selfHarm, .de, "(ritze|ritzen|ritzte|geritzt) mich|mich (selbst )?(ritzen|verletzen|schneiden)|(verletze|verletzte) mich( selbst)?|selbstverletzung"),
    ]

    static let italian: [Entry] = [
        Entry(.directIdeation, .it, "(voglio|vorrei|penso di|sto pensando di|ho voglia di|ho deciso di|devo|sto per) (morire|uccidermi|ammazzarmi|suicidarmi|farla finita|togliermi la vita|sparire per sempre)"),
        Entry(.directIdeation, .it, "mi (voglio|vado a|sto per) (ammazzare|uccidere|suicidare|impiccare|buttare)|suicidarmi|uccidermi|ammazzarmi"),
        Entry(.directIdeation, .it, "pensieri suicid\\w*|(penso|pensando|pensato|pensare) (al|di|a) (suicidio|suicidarmi|morire|farla finita|uccidermi)|sono suicida"),
        Entry(.passiveIdeation, .it, "non voglio piu (vivere|esistere|svegliarmi)|(non ha|nessun) senso (vivere|la vita)"),
        Entry(.passiveIdeation, .it, "(starebbero|starebbe|sarebbero|sarebbe|vivrebbero) (molto )?meglio senza di me"),
        Entry(.passiveIdeation, .it, "sono (solo )?un peso (per|a) (tutti|la mia famiglia)"),
        Entry(.plansAndMeans, .it, "(buttarmi|gettarmi|lanciarmi) (dal|da un|dalla|sotto)|impiccarmi|tagliarmi le vene|(prendere|preso|ingoiare|ingoiato) tutte (le |le mie )(pillole|pastiglie|medicine)"),
        Entry(.preparatoryActs, .it, "lettera d ?addio"),
        Entry(.selfHarm, .it, "mi taglio(?! (i capelli|le unghie|la barba))|tagliarmi(?! (i capelli|le unghie|la barba))|autolesion\\w*|(mi faccio|farmi) del male|mi ferisco|mi brucio"),
    ]

    static let portuguese: [Entry] = [
        Entry(.directIdeation, .pt, "(quero|vou|penso em|pensando em|pensei em|vontade de|desejo|preciso|decidi) (morrer|sumir para sempre|acabar com tudo|acabar com (a )?minha vida|tirar (a )?minha (propria )?vida)"),
        Entry(.directIdeation, .pt, "(quero|vou|penso em|pensando em|pensei em|vontade de|decidi|tentei|tentar) me (matar|suicidar)|me suicidar|suicidar me"),
        Entry(.directIdeation, .pt, "(pensando|penso|pensei|pensamentos|ideias|ideacao) (em |de |no |sobre )?(o )?(suicidio|suicidas|suicida)"),
        Entry(.passiveIdeation, .pt, "(nao|ja nao) (aguento|quero|consigo) mais (viver|existir|acordar)|nao quero (mais )?viver"),
        Entry(.passiveIdeation, .pt, "(ficariam|ficaria|estariam|estaria|seriam|seria|viveriam) (bem |muito )?melhor(es)? sem mim"),
        Entry(.passiveIdeation, .pt, "sou (so )?um peso (para|pra) (todos|todo mundo|minha familia)"),
        Entry(.passiveIdeation, .pt, "(nao ha|nao tem|sem|perdi o) sentido (em )?(viver|a vida)"),
        Entry(.plansAndMeans, .pt, "me enforcar|pular (da|de uma|do|de um) (ponte|predio|janela|telhado)|(tomar|tomei|engolir|engoli) todos (os )?(meus )?(remedios|comprimidos)|cortar os pulsos"),
        Entry(.preparatoryActs, .pt, "carta de despedida"),
        Entry(.selfHarm, .pt, "(me cortar|me corto|me cortando|tenho me cortado|automutila\\w*|me machucar de proposito)(?! (o cabelo|a franja|as unhas))"),
    ]
}
