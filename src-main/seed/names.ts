// People, companies and e-mail addresses in national style for the demo feeds.
import { cumulative, type Rng } from './rng';
import type { Country } from './phones';

/** Language/culture of a customer: the country, or the Swiss language region. */
export type Culture = 'IT' | 'DE' | 'AT' | 'CHde' | 'CHfr' | 'CHit' | 'FR' | 'ES' | 'GB' | 'US' | 'NL';

const w = (s: string): string[] => s.split('|');

const FIRST: Record<string, string[]> = {
  IT: w('Marco|Giuseppe|Giovanni|Luca|Francesco|Alessandro|Andrea|Matteo|Lorenzo|Davide|Stefano|Paolo|Roberto|Niccolò|Nicolò|Simone|Federico|Riccardo|Tommaso|Gabriele|Antonio|Salvatore|Vincenzo|Pietro|Emanuele|Fabrizio|Mattia|Giulia|Francesca|Chiara|Sara|Martina|Valentina|Elena|Alessia|Federica|Silvia|Laura|Paola|Anna|Maria|Lucia|Ilaria|Beatrice|Sofia|Aurora|Giorgia|Elisa|Noemi|Roberta|Cinzia|Raffaella|Carmela|Ludovica|Rosaria'),
  DE: w('Lukas|Leon|Maximilian|Felix|Jonas|Paul|Jan|Tobias|Stefan|Michael|Thomas|Andreas|Markus|Christian|Sebastian|Florian|Matthias|Jürgen|Uwe|Klaus|Dieter|Jörg|Sören|Björn|Günter|Anna|Lena|Lea|Laura|Julia|Sarah|Katharina|Sophie|Hannah|Marie|Sabine|Petra|Claudia|Andrea|Susanne|Birgit|Ute|Jutta|Jana|Franziska|Carolin|Käthe|Lisa|Nina|Bärbel'),
  FR: w('Jean|Pierre|Michel|Philippe|Nicolas|François|Laurent|Julien|Sébastien|Stéphane|Thomas|Antoine|Mathieu|Jérôme|Frédéric|Olivier|Éric|Théo|Hugo|Lucas|Louis|Gabriel|Raphaël|Arthur|Marie|Nathalie|Isabelle|Sylvie|Catherine|Françoise|Sophie|Céline|Émilie|Camille|Léa|Chloé|Manon|Inès|Juliette|Zoé|Hélène|Aurélie|Valérie|Stéphanie|Amélie|Gaëlle|Noémie|Anaïs'),
  ES: w('José|Antonio|Manuel|Francisco|Juan|David|Javier|Daniel|Carlos|Jesús|Alejandro|Miguel|Rafael|Pablo|Sergio|Fernando|Jorge|Álvaro|Adrián|Iñaki|Íker|Raúl|Rubén|Óscar|María|Carmen|Ana|Isabel|Laura|Lucía|Cristina|Marta|Elena|Pilar|Paula|Sara|Raquel|Rocío|Nuria|Inés|Begoña|Montserrat|Ainhoa|Sofía|Mónica|Ángela|Beatriz|Noelia'),
  GB: w('Oliver|George|Harry|Jack|Jacob|Charlie|Thomas|James|William|Oscar|Henry|Alfie|Daniel|Matthew|David|Paul|Mark|Andrew|Richard|Stephen|Christopher|Ian|Gareth|Rhys|Callum|Olivia|Amelia|Isla|Ava|Emily|Sophie|Grace|Lily|Charlotte|Jessica|Hannah|Sarah|Emma|Rebecca|Claire|Rachel|Helen|Joanne|Siobhan|Niamh|Aoife|Catriona|Eilidh|Zoë'),
  US: w('James|John|Robert|Michael|William|David|Richard|Joseph|Thomas|Christopher|Daniel|Matthew|Anthony|Mark|Steven|Andrew|Joshua|Kevin|Brian|José|Carlos|Luis|Tyler|Brandon|DeShawn|Mary|Patricia|Jennifer|Linda|Elizabeth|Barbara|Susan|Jessica|Sarah|Karen|Lisa|Nancy|Ashley|Emily|Michelle|Amanda|Melissa|Stephanie|Rebecca|Laura|María|Mei|Priya|Aaliyah|Renée'),
  NL: w('Jan|Pieter|Kees|Hendrik|Willem|Johannes|Daan|Sem|Lucas|Levi|Thijs|Ruben|Bram|Jeroen|Bas|Sander|Maarten|Joost|Niels|Stijn|Wouter|Arjen|Gert|Sjoerd|Anna|Emma|Sophie|Julia|Tess|Sanne|Lotte|Fleur|Eva|Iris|Femke|Anouk|Marieke|Ingrid|Annemiek|Els|Wilma|Linda|Esther|Mirjam|Inge|Noor|Saskia|Chloë|Zoë'),
};

const LAST: Record<string, string[]> = {
  IT: w("Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|Marino|Greco|Bruno|Gallo|Conti|De Luca|Mancini|Costa|Giordano|Rizzo|Lombardi|Moretti|Barbieri|Fontana|Santoro|Mariani|Rinaldi|Caruso|Ferrara|Galli|Martini|Leone|Longo|Gentile|Martinelli|Vitale|Lombardo|Serra|Coppola|De Santis|D'Angelo|Marchetti|Parisi|Villa|Conte|Ferraro|Fabbri|Marini|Grasso|Valentini|Messina|Sala|De Angelis|Gatti|Pellegrini|Palumbo|Sanna|Farina|Cattaneo|Morelli|Amato|Silvestri|Testa|Carbone|Barone|Caputo|Montanari|Guerra|Palmieri|Bernardi|Fiore|De Rosa|Bellini|Basile|Riva|Donati|Piras|Sartori|Neri|Zappalà|Pirrò|Lucà|Nicolò|D'Amico|Orlando|Verdi"),
  DE: w('Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Schäfer|Koch|Bauer|Richter|Klein|Wolf|Schröder|Neumann|Schwarz|Zimmermann|Braun|Krüger|Hofmann|Hartmann|Lange|Schmitt|Werner|Schmitz|Krause|Meier|Lehmann|Köhler|Herrmann|König|Walter|Kaiser|Fuchs|Peters|Scholz|Möller|Weiß|Jung|Hahn|Vogel|Friedrich|Keller|Günther|Berger|Winkler|Roth|Beck|Lorenz|Baumann|Franke|Albrecht|Schuster|Ludwig|Böhm|Winter|Kraus|Schumacher|Krämer|Vogt|Stein|Jäger|Sommer|Groß|Seidel|Brandt|Haas|Dietrich|Ziegler|Kühn|Pohl|Engel|Horn|Busch|Bergmann|Voigt|Sauer|Pfeiffer'),
  AT: w('Gruber|Huber|Bauer|Wagner|Müller|Pichler|Steiner|Moser|Mayer|Hofer|Leitner|Berger|Fuchs|Eder|Fischer|Schmid|Winkler|Weber|Schwarz|Maier|Schneider|Reiter|Mayr|Schmidt|Wimmer|Egger|Brunner|Lang|Baumgartner|Auer|Binder|Lechner|Wolf|Wallner|Aigner|Ebner|Koller|Lehner|Haas|Schuster|Holzer|Strasser|Hölzl|Pöschl|Rößler|Kössler|Grünwald|Oberhuber'),
  CHde: w('Müller|Meier|Schmid|Keller|Weber|Huber|Schneider|Meyer|Steiner|Fischer|Gerber|Brunner|Baumann|Frei|Zimmermann|Moser|Widmer|Wyss|Graf|Roth|Suter|Baumgartner|Bachmann|Studer|Bucher|Berger|Kaufmann|Hofer|Bühler|Lüthi|Kälin|Zürcher|Ammann|Sutter|Bösch|Marti|Egli|Hess|Kunz|Lehmann|Schürch|Tschudi|Blöchlinger|Näf'),
  CHfr: w('Favre|Rochat|Bonvin|Perrin|Dubois|Morel|Rey|Mercier|Python|Bovet|Chappuis|Pittet|Jaquet|Cuénod|Décosterd|Gaillard|Monnier|Vuilleumier|Clément|Rossier|Cretton|Équey|Girardin|Jaccard'),
  CHit: w('Bernasconi|Pedrazzini|Rusconi|Lepori|Cattaneo|Rezzonico|Respini|Gianella|Zanetti|Beffa|Soldati|Bignasca|Ferrazzini|Moccetti|Quadri|Tamò'),
  FR: w('Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent|Lefèvre|Michel|Garcia|David|Bertrand|Roux|Vincent|Fournier|Morel|Girard|André|Lefebvre|Mercier|Dupont|Lambert|Bonnet|François|Legrand|Garnier|Faure|Rousseau|Blanc|Guérin|Henry|Roussel|Perrin|Morin|Mathieu|Clément|Gauthier|Dumont|Fontaine|Chevalier|Robin|Masson|Gérard|Nguyen|Boyer|Lemaire|Duval|Noël|Marchand|Dufour|Brunet|Leclerc|Prévost|Benoît|Rivière|Le Gall|Carré|Rémy|Hébert|Lacroix|Da Silva'),
  ES: w('García|Rodríguez|González|Fernández|López|Martínez|Sánchez|Pérez|Gómez|Martín|Jiménez|Ruiz|Hernández|Díaz|Moreno|Muñoz|Álvarez|Romero|Alonso|Gutiérrez|Navarro|Torres|Domínguez|Vázquez|Ramos|Gil|Ramírez|Serrano|Blanco|Molina|Morales|Suárez|Ortega|Delgado|Castro|Ortiz|Rubio|Marín|Sanz|Núñez|Iglesias|Medina|Garrido|Cortés|Castillo|Santos|Lozano|Guerrero|Cano|Prieto|Méndez|Peña|Cabrera|Ibáñez|Ferrer|Durán|Benítez|Echeverría|Etxeberria|Goikoetxea|Puig|Roig|Ribas'),
  GB: w("Smith|Jones|Williams|Taylor|Brown|Davies|Evans|Wilson|Thomas|Johnson|Roberts|Robinson|Thompson|Wright|Walker|White|Edwards|Hughes|Green|Hall|Lewis|Harris|Clarke|Patel|Jackson|Wood|Turner|Cooper|Hill|Ward|Morris|Moore|King|Baker|Harrison|Morgan|Allen|Scott|Phillips|Watson|Parker|Price|Bennett|Griffiths|Mitchell|Kelly|Collins|Murphy|Khan|Singh|Campbell|O'Brien|O'Connor|McKenzie|MacLeod|Ffrench|Llewellyn"),
  US: w("Smith|Johnson|Williams|Brown|Jones|Garcia|Miller|Davis|Rodriguez|Martinez|Hernandez|Lopez|Gonzalez|Wilson|Anderson|Thomas|Taylor|Moore|Jackson|Martin|Lee|Perez|Thompson|White|Harris|Sanchez|Clark|Ramirez|Lewis|Robinson|Walker|Young|Allen|King|Wright|Scott|Torres|Nguyen|Hill|Flores|Green|Adams|Nelson|Baker|Rivera|Campbell|Mitchell|Carter|Kim|Patel|O'Neill|Sullivan|Kowalski|Schmidt|Russo|Cohen"),
  NL: w('de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|de Graaf|van der Meer|van der Linden|Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|van der Veen|van den Broek|de Bruijn|van der Heijden|Schouten|van Beek|Willems|van Vliet|Hoekstra|Maas|Verhoeven|Koster|van Dam|Prins|Blom|Huisman|Kuipers|Veenstra|Kramer|Scholten|Postma|Timmermans|van Loon|Smeets|Bosman'),
};

const NAME_SOURCE: Record<Culture, { first: string; last: string }> = {
  IT: { first: 'IT', last: 'IT' }, DE: { first: 'DE', last: 'DE' }, AT: { first: 'DE', last: 'AT' },
  CHde: { first: 'DE', last: 'CHde' }, CHfr: { first: 'FR', last: 'CHfr' }, CHit: { first: 'IT', last: 'CHit' },
  FR: { first: 'FR', last: 'FR' }, ES: { first: 'ES', last: 'ES' }, GB: { first: 'GB', last: 'GB' },
  US: { first: 'US', last: 'US' }, NL: { first: 'NL', last: 'NL' },
};

const GERMAN_FOLD: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' };

/** ASCII, lower case, letters and digits only ("Müller" → "mueller" in German cultures, "Peña" → "pena"). */
export function fold(s: string, german: boolean): string {
  let t = german ? s.replace(/[äöüßÄÖÜ]/g, (c) => GERMAN_FOLD[c]!) : s.replace(/ß/g, 'ss');
  t = t.replace(/[œŒ]/g, 'oe').replace(/[æÆ]/g, 'ae');
  return t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** Like fold, but words joined with "-" (for domains). */
export function slug(s: string, german: boolean): string {
  return s
    .split(/[\s&,+]+/)
    .map((x) => fold(x, german))
    .filter((x) => x.length > 0)
    .join('-');
}

const isGerman = (c: Culture): boolean => c === 'DE' || c === 'AT' || c === 'CHde';

interface NameList {
  names: string[];
  folded: string[];
}
function list(names: string[], german: boolean): NameList {
  return { names, folded: names.map((n) => fold(n, german)) };
}
const CULTURE_LIST: Culture[] = ['IT', 'DE', 'AT', 'CHde', 'CHfr', 'CHit', 'FR', 'ES', 'GB', 'US', 'NL'];
const LISTS = new Map<Culture, { first: NameList; last: NameList }>(
  CULTURE_LIST.map((c) => [
    c,
    { first: list(FIRST[NAME_SOURCE[c].first]!, isGerman(c)), last: list(LAST[NAME_SOURCE[c].last]!, isGerman(c)) },
  ]),
);
function getList(kind: 'first' | 'last', culture: Culture): NameList {
  return LISTS.get(culture)![kind];
}

/** All lists, for tests (sizes and accents). */
export const NAME_LISTS = { FIRST, LAST };

export interface Person {
  first: string;
  last: string;
  /** Display name as the CRM holds it. */
  name: string;
  firstAscii: string;
  lastAscii: string;
}

export function person(culture: Culture, rng: Rng): Person {
  const fl = getList('first', culture);
  const ll = getList('last', culture);
  const fi = rng.int(fl.names.length);
  const li = rng.int(ll.names.length);
  const first = fl.names[fi]!;
  let last = ll.names[li]!;
  let lastAscii = ll.folded[li]!;
  if (culture === 'ES') {
    // Two surnames: "José García Peña".
    const l2 = rng.int(ll.names.length);
    last = `${last} ${ll.names[l2]!}`;
    lastAscii = `${lastAscii}${ll.folded[l2]!}`;
  }
  return { first, last, name: `${first} ${last}`, firstAscii: fl.folded[fi]!, lastAscii };
}

/** A surname of the culture (for company names), capitalised as it would start a name. */
function surname(culture: Culture, rng: Rng): string {
  const l = getList('last', culture).names;
  const s = l[rng.int(l.length)]!;
  return s.charAt(0).toUpperCase() + s.slice(1);
}

type CompanyPattern = (c: Culture, r: Rng, big: boolean) => [name: string, stem: string];

const IT_ACT = w('Impianti|Costruzioni|Trasporti|Meccanica|Arredamenti|Elettronica|Forniture|Logistica|Serramenti|Ricambi|Informatica|Termoidraulica|Edilizia|Alimentari|Ceramiche|Tessuti');
const IT_WORD = w('Tecnoservice|Idealcasa|Eurotrasporti|Nuova Edilizia|Officine Meccaniche Lombarde|Cartotecnica Veneta|Alpi Distribuzione|Mediterranea Servizi|Sole Energia|Adriatica Pesca|Tirrenia Logistica|Dolomiti Legno');
const IT_PLACE = w('Belvedere|Centrale|Stella|Aurora|La Pergola|Il Gabbiano|Excelsior|Bellavista|San Marco|Al Duomo');
const DE_ACT = w('Logistik|Bau|Haustechnik|Elektro|Maschinenbau|Metallbau|Transporte|IT-Service|Immobilien|Druck|Medien|Sanitär|Möbel|Feinkost|Kältetechnik|Gerüstbau');
const DE_WORD = w('Nordwerk|Alpentech|Rheintal Systeme|Hanse Logistik|Bayerische Kältetechnik|Spreewald Feinkost|Schwarzwald Holzbau|Elbe Medien|Bodensee Technik|Ostsee Marine');
const FR_ACT = w('Transports|Bâtiment|Électricité|Menuiserie|Plomberie|Informatique|Immobilier|Distribution|Conseil|Logistique|Restauration|Imprimerie');
const FR_WORD = w('Horizon|Atlantique|Provence Services|Alpes Énergie|Lumière|Bretagne Logistique|Loire Vallée|Méditerranée Conseil|Azur Technologies|Normandie Bois');
const ES_ACT = w('Construcciones|Transportes|Talleres|Distribuciones|Instalaciones|Reformas|Asesores|Suministros|Climatización|Informática');
const ES_WORD = w('Ibérica|Levante|Cantábrico|Mediterráneo|Sierra Nevada|Guadalquivir|Atlántico|Castellana|Montserrat|Galaica');
const GB_ACT = w('Logistics|Building Services|Engineering|Joinery|Plumbing & Heating|Electrical|Property|Print|Catering|Accountants');
const GB_WORD = w('Northgate|Riverside|Highland|Kingsway|Thames Valley|Pennine|Cotswold|Albion|Harbour|Westfield');
const US_ACT = w('Logistics|Construction|Dental Group|Realty|Plumbing|Electric|Consulting|Landscaping|Auto Repair|Printing');
const US_WORD = w('Summit|Pioneer|Lakeside|Liberty|Keystone|Redwood|Bluewater|Frontier|Golden Gate|Silver Creek');
const NL_ACT = w('Installatietechniek|Transport|Bouw|Techniek|Logistiek|Adviesgroep|Schilders|Elektrotechniek|Vastgoed|Automatisering');
const NL_WORD = w('Polder|Delta|Noordzee|Zuiderzee|Oranje|Tulp|Randstad|Waddenzee|Veluwe|Maasstad');

const PATTERNS: Record<Culture, [CompanyPattern, number][]> = {
  IT: [
    [(c, r, big) => { const l = surname(c, r); const a = r.pick(IT_ACT); return [`${l} ${a} ${big ? 'S.p.A.' : 'S.r.l.'}`, `${l} ${a}`]; }, 6],
    [(c, r) => { const l = surname(c, r); const m = surname(c, r); return [`${l} & ${m} S.n.c.`, `${l} ${m}`]; }, 2],
    [(c, r) => { const l = surname(c, r); const m = surname(c, r); return [`${l}, ${m} & C. S.n.c.`, `${l} ${m}`]; }, 1.5],
    [(c, r, big) => { const x = r.pick(IT_WORD); return [`${x} ${big ? 'S.p.A.' : 'S.r.l.'}`, x]; }, 2.5],
    [(c, r) => { const l = surname(c, r); return [`Studio ${l} & Associati`, `studio ${l}`]; }, 1],
    [(c, r) => { const l = surname(c, r); return [`Farmacia ${l}`, `farmacia ${l}`]; }, 0.6],
    [(c, r) => { const p = r.pick(IT_PLACE); return [r.chance(0.5) ? `Hotel ${p}` : `Ristorante ${p}`, `${p}`]; }, 0.6],
    [(c, r) => { const l = surname(c, r); const a = r.pick(IT_ACT); const f = r.pick(FIRST.IT!); return [`${a} ${l} di ${f} ${l} & C. S.a.s.`, `${a} ${l}`]; }, 0.8],
  ],
  DE: [
    [(c, r) => { const l = surname(c, r); const a = r.pick(DE_ACT); return [`${l} ${a} GmbH`, `${l} ${a}`]; }, 6],
    [(c, r) => { const l = surname(c, r); return [`${l} & Söhne KG`, `${l} soehne`]; }, 1],
    [(c, r) => { const l = surname(c, r); const a = r.pick(DE_ACT); return [`${l} ${a} GmbH & Co. KG`, `${l} ${a}`]; }, 2],
    [(c, r, big) => { const x = r.pick(DE_WORD); return [`${x} ${big ? 'AG' : 'GmbH'}`, x]; }, 2],
    [(c, r) => { const l = surname(c, r); return [`Autohaus ${l} GmbH`, `autohaus ${l}`]; }, 0.7],
    [(c, r) => { const l = surname(c, r); return [`Bäckerei ${l}`, `baeckerei ${l}`]; }, 0.6],
    [(c, r) => { const l = surname(c, r); return [`Praxis Dr. ${l}`, `praxis ${l}`]; }, 0.6],
    [(c, r) => { const l = surname(c, r); const m = surname(c, r); return [`${l}, ${m} & Partner Steuerberater`, `${l} ${m}`]; }, 1],
  ],
  AT: [
    [(c, r) => { const l = surname(c, r); const a = r.pick(DE_ACT); return [`${l} ${a} ${r.chance(0.3) ? 'Ges.m.b.H.' : 'GmbH'}`, `${l} ${a}`]; }, 6],
    [(c, r, big) => { const x = r.pick(DE_WORD); return [`${x} ${big ? 'AG' : 'GmbH'}`, x]; }, 1.5],
    [(c, r) => { const l = surname(c, r); return [`Tischlerei ${l} e.U.`, `tischlerei ${l}`]; }, 1],
    [(c, r) => { const l = surname(c, r); const m = surname(c, r); return [`${l}, ${m} & Partner Rechtsanwälte`, `${l} ${m}`]; }, 1],
    [(c, r) => { const l = surname(c, r); return [`Gasthof ${l}`, `gasthof ${l}`]; }, 0.6],
  ],
  CHde: [
    [(c, r, big) => { const l = surname(c, r); const a = r.pick(DE_ACT); return [`${l} ${a} ${big ? 'AG' : 'GmbH'}`, `${l} ${a}`]; }, 6],
    [(c, r) => { const l = surname(c, r); return [`${l} Treuhand AG`, `${l} treuhand`]; }, 1.5],
    [(c, r) => { const l = surname(c, r); const m = surname(c, r); return [`${l}, ${m} & Partner AG`, `${l} ${m}`]; }, 1],
  ],
  CHfr: [
    [(c, r, big) => { const l = surname(c, r); const a = r.pick(FR_ACT); return [`${l} ${a} ${big ? 'SA' : 'Sàrl'}`, `${l} ${a}`]; }, 6],
    [(c, r) => { const l = surname(c, r); return [`Fiduciaire ${l} SA`, `fiduciaire ${l}`]; }, 1.5],
  ],
  CHit: [
    [(c, r, big) => { const l = surname(c, r); const a = r.pick(IT_ACT); return [`${l} ${a} ${big ? 'SA' : 'Sagl'}`, `${l} ${a}`]; }, 6],
    [(c, r) => { const l = surname(c, r); return [`Fiduciaria ${l} SA`, `fiduciaria ${l}`]; }, 1.5],
  ],
  FR: [
    [(c, r) => { const l = surname(c, r); return [`${l} & Fils SARL`, `${l} fils`]; }, 2],
    [(c, r, big) => { const l = surname(c, r); const a = r.pick(FR_ACT); return [`${l} ${a} ${big ? 'SA' : 'SAS'}`, `${l} ${a}`]; }, 5],
    [(c, r) => { const l = surname(c, r); return [`Boulangerie ${l}`, `boulangerie ${l}`]; }, 0.7],
    [(c, r) => { const l = surname(c, r); return [`Garage ${l} SARL`, `garage ${l}`]; }, 0.8],
    [(c, r) => { const l = surname(c, r); return [`Cabinet ${l}`, `cabinet ${l}`]; }, 0.7],
    [(c, r, big) => { const x = r.pick(FR_WORD); return [`${x} ${big ? 'SA' : 'SAS'}`, x]; }, 2],
    [(c, r) => { const l = surname(c, r); return [`Établissements ${l}`, `ets ${l}`]; }, 0.8],
    [(c, r) => { const l = surname(c, r); const m = surname(c, r); return [`${l}, ${m} et Associés`, `${l} ${m}`]; }, 1],
  ],
  ES: [
    [(c, r, big) => { const l = surname(c, r); const a = r.pick(ES_ACT); return [`${a} ${l} ${big ? 'S.A.' : 'S.L.'}`, `${a} ${l}`]; }, 6],
    [(c, r) => { const l = surname(c, r); return [`Hermanos ${l} S.L.`, `hermanos ${l}`]; }, 1.2],
    [(c, r, big) => { const x = r.pick(ES_WORD); return [`Grupo ${x} ${big ? 'S.A.' : 'S.L.'}`, `grupo ${x}`]; }, 1.5],
    [(c, r) => { const l = surname(c, r); const m = surname(c, r); return [`${l} y ${m} Abogados, S.L.P.`, `${l} ${m} abogados`]; }, 1],
    [(c, r) => { const l = surname(c, r); return [`Clínica Dental ${l}`, `clinica ${l}`]; }, 0.6],
    [(c, r) => { const l = surname(c, r); return [`Ferretería ${l}`, `ferreteria ${l}`]; }, 0.6],
  ],
  GB: [
    [(c, r) => { const l = surname(c, r); return [`${l} & Sons Ltd`, `${l} sons`]; }, 1.5],
    [(c, r) => { const l = surname(c, r); const a = r.pick(GB_ACT); return [`${l} ${a} Ltd`, `${l} ${a}`]; }, 5],
    [(c, r, big) => { const x = r.pick(GB_WORD); return [big ? `${x} Group plc` : `${x} Consulting Ltd`, x]; }, 2],
    [(c, r) => { const l = surname(c, r); const m = surname(c, r); return [`${l}, ${m} & Partners LLP`, `${l} ${m}`]; }, 1.2],
    [(c, r) => { const x = r.pick(GB_WORD); return [`The ${x} Bakery`, `${x} bakery`]; }, 0.5],
  ],
  US: [
    [(c, r) => { const l = surname(c, r); const a = r.pick(US_ACT); return [`${l} ${a}, Inc.`, `${l} ${a}`]; }, 4],
    [(c, r, big) => { const x = r.pick(US_WORD); return [big ? `${x} Holdings Corp.` : `${x} Systems LLC`, x]; }, 2.5],
    [(c, r) => { const l = surname(c, r); return [`${l} & Associates, LLC`, `${l} associates`]; }, 1.5],
    [(c, r) => { const l = surname(c, r); return [`${l} Brothers Construction`, `${l} bros`]; }, 0.8],
    [(c, r) => { const l = surname(c, r); const m = surname(c, r); const n = surname(c, r); return [`${l}, ${m} & ${n} LLP`, `${l} ${m}`]; }, 0.8],
  ],
  NL: [
    [(c, r) => { const l = surname(c, r); const a = r.pick(NL_ACT); return [`${l} ${a} B.V.`, `${l} ${a}`]; }, 5],
    [(c, r) => { const l = surname(c, r); return [`Bakkerij ${l}`, `bakkerij ${l}`]; }, 0.7],
    [(c, r) => { const l = surname(c, r); return [`${l} & Zonen B.V.`, `${l} zonen`]; }, 1.5],
    [(c, r, big) => { const x = r.pick(NL_WORD); return [`${x} Groep ${big ? 'N.V.' : 'B.V.'}`, `${x} groep`]; }, 1.5],
    [(c, r) => { const l = surname(c, r); return [`Autobedrijf ${l}`, `autobedrijf ${l}`]; }, 0.7],
    [(c, r) => { const l = surname(c, r); const m = surname(c, r); return [`${l}, ${m} & Partners Advocaten`, `${l} ${m}`]; }, 1],
  ],
};

const PATTERN_CUM = new Map<Culture, Float64Array>(
  (Object.keys(PATTERNS) as Culture[]).map((c) => [c, cumulative(PATTERNS[c].map((p) => p[1]))]),
);

export const CULTURE_COUNTRY: Record<Culture, Country> = {
  IT: 'IT', DE: 'DE', AT: 'AT', CHde: 'CH', CHfr: 'CH', CHit: 'CH', FR: 'FR', ES: 'ES', GB: 'GB', US: 'US', NL: 'NL',
};

const TLD: Record<Country, string> = { IT: 'it', DE: 'de', AT: 'at', CH: 'ch', FR: 'fr', ES: 'es', GB: 'co.uk', US: 'com', NL: 'nl' };

export interface Company {
  name: string;
  /** E-mail domain ("rossi-impianti.it"). */
  domain: string;
}

const DOMAINS = new Map<string, string>();

export function company(culture: Culture, rng: Rng, big: boolean): Company {
  const pats = PATTERNS[culture];
  const [name, stem] = pats[rng.weighted(PATTERN_CUM.get(culture)!)]![0](culture, rng, big);
  const key = `${culture}:${stem}`;
  let domain = DOMAINS.get(key);
  if (domain === undefined) {
    domain = `${slug(stem, isGerman(culture))}.${TLD[CULTURE_COUNTRY[culture]]}`;
    DOMAINS.set(key, domain);
  }
  return { name, domain };
}

const PROVIDERS: Record<Country, [string, number][]> = {
  IT: [['gmail.com', 5], ['libero.it', 3], ['hotmail.it', 1.5], ['yahoo.it', 1], ['virgilio.it', 0.8], ['outlook.it', 1], ['tiscali.it', 0.5], ['alice.it', 0.5]],
  DE: [['gmail.com', 4], ['web.de', 3], ['gmx.de', 3], ['t-online.de', 2], ['outlook.de', 1], ['posteo.de', 0.3]],
  AT: [['gmail.com', 4], ['gmx.at', 3], ['aon.at', 1.5], ['chello.at', 0.5], ['outlook.com', 1]],
  CH: [['bluewin.ch', 4], ['gmail.com', 4], ['gmx.ch', 1.5], ['sunrise.ch', 0.8], ['hispeed.ch', 0.5]],
  FR: [['gmail.com', 5], ['orange.fr', 3], ['free.fr', 2], ['laposte.net', 1], ['sfr.fr', 1], ['hotmail.fr', 1.5], ['wanadoo.fr', 0.5]],
  ES: [['gmail.com', 6], ['hotmail.es', 2.5], ['yahoo.es', 1], ['outlook.es', 1], ['telefonica.net', 0.5]],
  GB: [['gmail.com', 5], ['hotmail.co.uk', 2], ['btinternet.com', 1.5], ['yahoo.co.uk', 1], ['outlook.com', 1.5], ['sky.com', 0.6]],
  US: [['gmail.com', 6], ['yahoo.com', 2], ['outlook.com', 1.5], ['aol.com', 0.6], ['icloud.com', 1.5], ['comcast.net', 0.6]],
  NL: [['gmail.com', 4], ['ziggo.nl', 2], ['kpnmail.nl', 1.5], ['hotmail.nl', 1.5], ['xs4all.nl', 0.5], ['live.nl', 0.5]],
};
const PROVIDER_CUM = new Map<Country, { names: string[]; cum: Float64Array }>(
  (Object.keys(PROVIDERS) as Country[]).map((c) => [c, { names: PROVIDERS[c].map((p) => p[0]), cum: cumulative(PROVIDERS[c].map((p) => p[1])) }]),
);

/** Private address: "mario.rossi@libero.it", "m.rossi84@gmail.com", "rossimario@…". */
export function privateEmail(p: Person, country: Country, rng: Rng): string {
  const prov = PROVIDER_CUM.get(country)!;
  const domain = prov.names[rng.weighted(prov.cum)]!;
  const f = p.firstAscii;
  const l = p.lastAscii;
  const x = rng.float();
  let local: string;
  if (x < 0.32) local = `${f}.${l}`;
  else if (x < 0.45) local = `${f}${l}`;
  else if (x < 0.55) local = `${f.charAt(0)}.${l}`;
  else if (x < 0.62) local = `${f}_${l}`;
  else if (x < 0.7) local = `${l}.${f}`;
  else if (x < 0.82) local = `${f}.${l}${rng.range(1, 99)}`;
  else if (x < 0.9) local = `${f}${rng.range(60, 99)}`;
  else local = `${l}${f.charAt(0)}${rng.range(1, 999)}`;
  return `${local}@${domain}`;
}

/** Work address at the company's domain: "mario.rossi@rossi-impianti.it", "m.rossi@…", "info@…". */
export function workEmail(p: Person, domain: string, rng: Rng): string {
  const f = p.firstAscii;
  const l = p.lastAscii;
  const x = rng.float();
  let local: string;
  if (x < 0.5) local = `${f}.${l}`;
  else if (x < 0.68) local = `${f.charAt(0)}.${l}`;
  else if (x < 0.78) local = f;
  else if (x < 0.86) local = `${f.charAt(0)}${l}`;
  else if (x < 0.93) local = 'info';
  else local = rng.pick(['office', 'contact', 'admin', 'accounts', 'orders']);
  return `${local}@${domain}`;
}
