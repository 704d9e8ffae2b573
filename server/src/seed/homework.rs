//! What the demo patients handed in, and what their therapists wrote back. Fictional people;
//! the answers are written as the patients would type them, and are checked against the
//! worksheets like any real submission.

use stegvis_content::{
    answers::{self, RawAnswers},
    Field, FieldKind, Worksheet,
};
use stegvis_platform::dates;
use time::Date;

/// Part of a filled-in worksheet. Dates are written as days relative to the day the patient
/// handed it in ("-3", "0"; "90" for a date ahead), and ticked options as space-separated ids,
/// so one answer set fits any start date. A module has been open for at least four days when it
/// is handed in, so entries go back no further than "-4"; entries on the day itself are before
/// 11:00, the earliest hand-in hour.
pub enum Part {
    /// Single fields: (field id, value).
    Fields(&'static [(&'static str, &'static str)]),
    /// The lines of a `list` field.
    List(&'static str, &'static [&'static str]),
    /// A `rows` field: the column ids, then each row's cells in that order.
    Rows(&'static str, &'static [&'static str], &'static [&'static [&'static str]]),
}

/// One module's homework: the answers and, once reviewed, the therapist's feedback.
pub struct Homework {
    pub answers: &'static [Part],
    pub feedback: Option<&'static str>,
}

/// The form the patient would have posted for `parts` (see `answers` for the keys), dates
/// counted from `day`. A field, column or option the worksheet does not have is an error, so
/// that a typo cannot quietly drop an answer.
pub fn form(worksheet: &Worksheet, parts: &[Part], day: Date) -> Result<RawAnswers, String> {
    let mut raw = RawAnswers::new();
    for part in parts {
        match part {
            Part::Fields(values) => {
                for (id, value) in *values {
                    push(&mut raw, field(&worksheet.fields, id)?, answers::key(id), value, day)?;
                }
            }
            Part::List(id, items) => {
                field(&worksheet.fields, id)?;
                raw.extend(items.iter().enumerate().map(|(n, item)| (answers::item_key(id, n), item.to_string())));
            }
            Part::Rows(id, columns, rows) => {
                let FieldKind::Rows { columns: defined, .. } = &field(&worksheet.fields, id)?.kind else {
                    return Err(format!("`{id}` is not a rows field"));
                };
                for (n, cells) in rows.iter().enumerate() {
                    if cells.len() != columns.len() {
                        return Err(format!("row {n} of `{id}` has {} cells for {} columns", cells.len(), columns.len()));
                    }
                    for (column, value) in columns.iter().zip(cells.iter()) {
                        push(&mut raw, field(defined, column)?, answers::cell_key(id, n, column), value, day)?;
                    }
                }
            }
        }
    }
    Ok(raw)
}

fn field<'a>(fields: &'a [Field], id: &str) -> Result<&'a Field, String> {
    fields.iter().find(|f| f.id == id).ok_or_else(|| format!("the worksheet has no field `{id}`"))
}

/// One input's value(s), as the browser posts them: a date as `YYYY-MM-DD`, ticked options
/// one key each, anything else as typed (empty included, as a form posts it).
fn push(raw: &mut RawAnswers, field: &Field, key: String, value: &str, day: Date) -> Result<(), String> {
    match &field.kind {
        FieldKind::Choices { options } => {
            for option in value.split_whitespace() {
                if !options.iter().any(|o| o.id == option) {
                    return Err(format!("`{}` has no option `{option}`", field.id));
                }
                raw.push((answers::option_key(&key, option), "on".into()));
            }
        }
        FieldKind::Date if !value.is_empty() => {
            let offset: i64 = value.parse().map_err(|_| format!("`{}`: a date is written as a day offset, not `{value}`", field.id))?;
            raw.push((key, dates::format(dates::add_days(day, offset))));
        }
        _ => raw.push((key, value.to_string())),
    }
    Ok(())
}

// ---- the worksheets' columns ---------------------------------------------------------------

const GOALS: &[&str] = &["goal", "measure", "first_step", "importance"];
const PANIC_DIARY: &[&str] = &["date", "time", "situation", "symptoms", "peak", "thoughts"];
const EXPOSURES: &[&str] = &["date", "exercise", "status", "anxiety_before", "anxiety_peak", "anxiety_after", "learned"];
const ACTIVITIES: &[&str] = &["day", "time", "activity", "planned", "mastery", "pleasure"];
const SAFETY_BEHAVIOURS: &[&str] = &["situation", "behaviour", "feared_outcome", "reliance"];
const OPTIONS: &[&str] = &["option", "pros", "cons"];
const CONTACTS: &[&str] = &["who", "how"];

// ---- Kari Nordmann: panic, Bergvik, Maria Johansen -----------------------------------------

pub const KARI: &[Homework] = &[
    // 1 Velkommen – og dine mål (goals)
    Homework {
        answers: &[
            Part::Rows("goals", GOALS, &[
                &["Ta bussen til jobb alene igjen", "Jeg tar bussen minst tre dager i uka, to uker på rad", "Ta bussen to stopp sammen med Lars en søndag", "9"],
                &["Handle på ettermiddagen uten å gå fra køen", "Jeg gjør ukeshandelen selv, også når det er kø", "Handle noen få ting en hverdag rundt kl. 16", "7"],
                &["Gå på kino med venninnene mine", "Jeg sitter gjennom en hel film midt på raden", "Spørre Hanne om vi kan gå sammen", "6"],
            ]),
            Part::Fields(&[(
                "why_now",
                "Lars har kjørt meg til jobb i flere måneder nå, og det sliter på oss begge. Jeg vil ikke at angsten skal bestemme hvor jeg kan være. Datteren min begynner på skolen snart, og jeg vil kunne følge henne med bussen.",
            )]),
        ],
        feedback: Some(
            "Hei Kari! Takk for at du har skrevet så konkrete mål. «Jeg tar bussen minst tre dager i uka, to uker på rad» er akkurat den typen mål vi kan måle framgangen mot. Jeg legger merke til at bussen er aller viktigst for deg, og at du allerede har et første lite steg sammen med Lars. Det du skriver om å følge datteren din med bussen, er en god grunn å holde fast ved de dagene det blir tungt. I neste modul lærer du om panikksirkelen og begynner å føre panikkdagbok – stikkord holder.",
        ),
    },
    // 2 Panikksirkelen (panic diary)
    Homework {
        answers: &[Part::Rows("entries", PANIC_DIARY, &[
            &["-4", "07:50", "På bussen til jobb, fullt og varmt, sto ved døra", "heart breath dizzy sweat", "80", "At jeg skulle besvime foran alle og ikke komme meg av"],
            &["-3", "16:20", "I køen på matbutikken etter jobb", "heart hot_cold unreal", "65", "At jeg skulle miste kontrollen og måtte løpe ut"],
            &["-2", "22:10", "Hjemme i sofaen, kjente plutselig et stikk i brystet", "heart chest tingling", "75", "At det var noe galt med hjertet"],
            &["-1", "10:00", "Avdelingsmøte på jobb, satt innerst ved vinduet", "heart sweat", "50", "At de skulle se at noe var galt og at jeg måtte gå ut"],
        ])],
        feedback: Some(
            "Så bra at du har ført dagboken så grundig, Kari – fire registreringer denne uka. Mønsteret er tydelig: anfallene kommer der det er trangt og varmt, som på bussen og i køen, og frykten handler om å besvime eller om hjertet. Legg merke til at anfallet i sofaen kom uten noen ytre grunn; det er typisk for panikk at en kroppsfølelse blir tolket som farlig og setter i gang alarmen. I neste modul ser vi på hva som skjer i kroppen, og hvordan pusten henger sammen med svimmelheten. Fortsett gjerne med dagboken.",
        ),
    },
    // 3 Kroppen og pusten (panic diary)
    Homework {
        answers: &[Part::Rows("entries", PANIC_DIARY, &[
            &["-4", "07:45", "Bussen til jobb, satt ned denne gangen", "heart dizzy", "60", "At svimmelheten betydde at jeg skulle besvime"],
            &["-3", "12:30", "Trappene opp til kantina", "heart breath", "40", "Ble redd for hjertet, men husket at det er vanlig å få hjertebank i trapper"],
            &["-1", "18:30", "Bursdagsselskap hos svigermor, mange folk i en liten stue", "hot_cold breath unreal", "55", "At jeg skulle få anfall og ødelegge stemningen"],
        ])],
        feedback: Some(
            "Denne uka er toppene lavere, og det er verdt å merke seg at du kjente igjen hjertebanken i trappa som noe vanlig. Det er nettopp den nye forståelsen vi jobber mot. Bursdagen hos svigermor var modig: du ble værende selv om angsten steg. Neste modul handler om katastrofetankene, som «jeg kommer til å besvime», og du skal bruke et tankeskjema. Bussturene fra dagboken din er gode å ta utgangspunkt i.",
        ),
    },
    // 4 Katastrofetanker (thought record)
    Homework {
        answers: &[Part::Fields(&[
            ("situation", "Morgenbussen til jobb. Den var full, og vi sto stille i kø ved brua i nesten ti minutter."),
            ("emotion", "Redd, panisk"),
            ("emotion_intensity", "85"),
            ("automatic_thought", "Jeg kommer til å besvime her, og ingen kan hjelpe meg. Hjertet klarer ikke dette."),
            ("belief", "80"),
            ("evidence_for", "Jeg ble svimmel og hjertet slo veldig fort. Det var trangt og varmt."),
            (
                "evidence_against",
                "Jeg har kjent det samme mange ganger og aldri besvimt. Fastlegen tok EKG i fjor, og alt var normalt. Under panikk stiger blodtrykket, så det er lite sannsynlig å besvime. Anfallet gikk over etter omtrent ti minutter, slik det alltid gjør.",
            ),
            ("alternative_thought", "Det er et panikkanfall. Det er ubehagelig, men ufarlig, og det går over av seg selv selv om jeg blir stående på bussen."),
            ("belief_after", "30 %"),
            ("emotion_after", "40"),
        ])],
        feedback: Some(
            "Dette er et svært godt tankeskjema, Kari. Du har funnet sterke motbevis: du har aldri besvimt, EKG-en var normal, og blodtrykket stiger under panikk. Det er flott å se at troen på tanken gikk fra 80 til 30 %. Nå skal vi teste dette i praksis: i neste modul fremkaller du kroppsfølelsene med vilje, for eksempel ved å snurre rundt eller puste gjennom et sugerør. Det høres kanskje skummelt ut, men det er en av de mest virksomme delene av behandlingen – si fra hvis du lurer på noe.",
        ),
    },
];

/// What Kari has typed into module 5 (Å øve på kroppsfølelsene) so far: two exercises done, the
/// third only planned. Dates count from the day she last saved it.
pub const KARI_DRAFT: &[Part] = &[Part::Rows("exercises", EXPOSURES, &[
    &["-4", "Snurre rundt på kontorstolen i 30 sekunder", "done", "30", "70", "20", "Svimmelheten ga seg etter et halvt minutt. Den var ikke farlig."],
    &["-2", "Puste gjennom et sugerør i to minutter", "done", "40", "75", "25", ""],
    &["1", "Løpe i trappene til hjertet banker", "planned", "", "", "", ""],
])];

// ---- Jonas Lie: depression, Bergvik, Maria Johansen ----------------------------------------

pub const JONAS: &[Homework] = &[
    // 1 Velkommen – og dine mål (goals)
    Homework {
        answers: &[
            Part::Rows("goals", GOALS, &[
                &["Komme i gang med trening igjen", "Jeg går tur eller trener minst tre ganger i uka", "Gå en tur rundt vannet på lørdag", "8"],
                &["Ta kontakt med venner igjen", "Jeg har møtt en venn minst én gang hver uke", "Svare Øyvind på meldingen han sendte", "7"],
                &["Komme tilbake i full stilling", "Jeg jobber 100 % uten å være helt utslitt hver kveld", "Snakke med lederen om en plan for å trappe opp", "9"],
            ]),
            Part::Fields(&[(
                "why_now",
                "Det har gått over et halvt år der jeg stort sett har vært på jobb og ellers ligget på sofaen. Ungene merker at jeg er slapp og lei når de er hos meg. Jeg vil være en pappa som orker å finne på ting med dem.",
            )]),
        ],
        feedback: Some(
            "Takk for målene dine, Jonas. De er tydelige og handler om det som betyr noe for deg: kroppen, vennene og jobben. Det du skriver om å være en pappa som orker å finne på ting med ungene, er en god grunn å ta fram de dagene motivasjonen er lav. Det første steget – å svare Øyvind – er lite nok til å klare også på en tung dag. I neste modul skal du begynne å registrere hva du gjør gjennom dagen, uten å endre noe ennå.",
        ),
    },
    // 2 Hva holder nedstemtheten ved like? (activity schedule)
    Homework {
        answers: &[
            Part::Rows("activities", ACTIVITIES, &[
                &["-4", "07:30", "Sto opp, dusjet og spiste frokost", "no", "3", "1"],
                &["-4", "17:00", "Lå på sofaen og så serie hele kvelden", "no", "0", "2"],
                &["-3", "11:30", "Lunsj med kollegaer i kantina", "no", "4", "3"],
                &["-3", "19:00", "Ringte mamma", "no", "5", "4"],
                &["-2", "11:00", "Handlet og laget middag", "no", "6", "3"],
                &["-1", "14:00", "Gikk tur i skogen med ungene", "yes", "6", "7"],
                &["-1", "21:00", "Spilte gitar en halvtime", "no", "4", "6"],
            ]),
            Part::Fields(&[(
                "reflection",
                "Jeg blir mer nedfor de kveldene jeg bare ligger på sofaen, selv om det er det jeg har lyst til der og da. Turen med ungene var det beste i hele uka.",
            )]),
        ],
        feedback: Some(
            "Du har registrert både hverdag og helg, og det gir et godt bilde. Det du selv ser – at kveldene på sofaen gir lavt humør, mens turen med ungene var ukas høydepunkt – er kjernen i det vi jobber med: når vi trekker oss tilbake, synker humøret, og da blir det enda vanskeligere å ta seg til noe. Fint at du også tok med gitaren; små ting teller. Neste modul går videre med registreringen, og du skal se etter mønstre i uka.",
        ),
    },
    // 3 Hva forteller ukene dine? (activity schedule)
    Homework {
        answers: &[
            Part::Rows("activities", ACTIVITIES, &[
                &["-4", "08:00", "Jobb, første halvdel av dagen", "no", "5", "2"],
                &["-4", "16:30", "Sov på sofaen etter jobb", "no", "0", "1"],
                &["-3", "18:00", "Pizza med Øyvind", "yes", "5", "7"],
                &["-3", "22:00", "Scrollet på mobilen til langt på natt", "no", "0", "1"],
                &["-2", "10:00", "Vasket klær og ryddet kjøkkenet", "no", "6", "2"],
                &["-1", "13:00", "Fotballkamp med sønnen, heiet fra sidelinja", "yes", "5", "8"],
                &["0", "09:30", "Gikk tur rundt vannet", "yes", "7", "5"],
            ]),
            Part::Fields(&[(
                "reflection",
                "Mønsteret er tydelig: ettermiddagen rett etter jobb er den verste tiden. Det som gir glede, er nesten alltid sammen med andre, og det som gir mestring, er ting jeg kvier meg for å begynne på. Det som betyr mest for meg, er ungene, vennene og å holde kroppen i gang.",
            )]),
        ],
        feedback: Some(
            "Refleksjonen din er treffende: ettermiddagen rett etter jobb er det mest sårbare tidspunktet, og gleden henger sammen med andre mennesker. Det gir oss et godt sted å begynne. Legg merke til at turen rundt vannet ga 7 i mestring, selv om det sikkert var tungt å komme seg ut. I neste modul skal du planlegge små aktiviteter på faste tidspunkter, og jeg foreslår at du begynner med ettermiddagene.",
        ),
    },
    // 4 Gjør det først – lysten kommer etter (activity schedule)
    Homework {
        answers: &[
            Part::Rows("activities", ACTIVITIES, &[
                &["-4", "17:00", "Tjue minutters tur rett etter jobb", "yes", "7", "5"],
                &["-4", "19:30", "Gitar i 20 minutter", "yes", "6", "6"],
                &["-3", "17:00", "Tur etter jobb, regnet, men gikk likevel", "yes", "8", "4"],
                &["-2", "18:30", "Trening med Øyvind", "yes", "8", "6"],
                &["-1", "12:00", "Bakte boller med datteren min", "yes", "6", "9"],
                &["0", "09:00", "Morgentur før frokost", "yes", "6", "5"],
            ]),
            Part::Fields(&[(
                "reflection",
                "Jeg hadde ikke lyst på noen av turene før jeg gikk, men humøret var bedre etterpå hver gang. Det hjelper å ha bestemt tidspunktet på forhånd, da slipper jeg å forhandle med meg selv. Én kveld droppet jeg gitaren fordi jeg var sliten, og da ble kvelden tung.",
            )]),
        ],
        feedback: Some(
            "Dette er en veldig fin uke, Jonas! Du gikk turen etter jobb flere ganger, også i regnet, og du har kjent på det viktigste prinsippet: lysten kommer etter at du har begynt, ikke før. At kvelden ble tung den gangen du droppet gitaren, er nyttig informasjon, ikke et nederlag. Hold fast ved de faste aktivitetene. I neste modul ser vi på de automatiske tankene som dukker opp og trekker humøret ned.",
        ),
    },
    // 5 Automatiske tanker (thought record)
    Homework {
        answers: &[Part::Fields(&[
            ("situation", "Lederen min ba om et kort møte fredag ettermiddag uten å si hva det gjaldt."),
            ("emotion", "Nedstemt, engstelig"),
            ("emotion_intensity", "75"),
            ("automatic_thought", "Hun er misfornøyd med meg. Jeg gjør for lite, og snart mister jeg jobben."),
            ("belief", "85"),
            ("evidence_for", "Jeg har vært mye borte og jobber bare 60 %. Jeg glemte en frist for to uker siden."),
            ("evidence_against", "Hun har sagt flere ganger at hun er glad for at jeg er tilbake. Møtet handlet om en ny vaktordning for hele teamet."),
            ("alternative_thought", "Det er vanlig at lederen ber om møter. Jeg vet ikke hva det gjelder før jeg har hørt det, og hittil har hun vært støttende."),
            ("belief_after", "30"),
            ("emotion_after", "35"),
        ])],
        feedback: Some(
            "Godt fanget! «Hun er misfornøyd med meg, og snart mister jeg jobben» er en typisk automatisk tanke: den kommer av seg selv, føles helt sann og gir en sterk følelse. Du har også sett på bevisene, og møtet handlet om noe helt annet. Legg merke til hvor fort tanken hoppet fra ett møte til å miste jobben; det mønsteret kaller vi katastrofetenkning. I neste modul øver vi mer systematisk på å undersøke slike tanker.",
        ),
    },
    // 6 Å undersøke tankene (thought record)
    Homework {
        answers: &[Part::Fields(&[
            ("situation", "Søndag kveld etter at ungene hadde dratt tilbake til moren sin. Huset var stille, og jeg satt alene ved kjøkkenbordet."),
            ("emotion", "Trist, skyldfølelse"),
            ("emotion_intensity", "80"),
            ("automatic_thought", "Jeg har ødelagt familien. Ungene har det bedre hos moren enn hos meg."),
            ("belief", "70"),
            ("evidence_for", "Jeg har vært sliten og lite til stede de siste månedene. Datteren min sa at det var kjedelig hos meg."),
            (
                "evidence_against",
                "Vi bestemte skilsmissen sammen. Ungene klemmer meg når de kommer, og de gleder seg til helgene. Denne helgen bakte vi og var på fotball, og de sa at de hadde det gøy. «Kjedelig» sa hun om én regnværsdag, ikke om meg.",
            ),
            ("alternative_thought", "Jeg har hatt en tung periode, men jeg er en pappa som bryr seg og er på vei tilbake. Ungene trenger at jeg er til stede, ikke at jeg er perfekt."),
            ("belief_after", "25"),
            ("emotion_after", "40"),
        ])],
        feedback: Some(
            "Takk for at du delte noe så personlig, Jonas. Søndagskveldene etter at ungene har dratt er tydelig en sårbar tid, og tanken om at du har ødelagt familien gir mye skyld. Du har gjort et grundig arbeid med motbevisene, og den nye tanken din – at ungene trenger at du er til stede, ikke perfekt – er både balansert og sann. Kanskje kan du legge inn noe fast på søndagskveldene framover, som en telefon eller en kort tur? Neste modul handler om problemløsning og søvn.",
        ),
    },
    // 7 Problemløsning og søvn (problem solving)
    Homework {
        answers: &[
            Part::Fields(&[(
                "problem",
                "Jeg har ubetalte regninger og brev fra banken som jeg ikke har åpnet på flere uker. Hver gang jeg tenker på det, blir jeg urolig og skyver det foran meg.",
            )]),
            Part::Rows("options", OPTIONS, &[
                &["Åpne alle brevene på én gang i kveld", "Ferdig med det", "Blir overveldende, kan ende med at jeg gir opp"],
                &["Sette av en halvtime to kvelder på rad", "Overkommelig, gir oversikt litt etter litt", "Tar litt lengre tid"],
                &["Be søsteren min Ingrid sitte sammen med meg", "Mindre ensomt, og hun er flink med økonomi", "Flaut å vise henne rotet"],
                &["Ringe NAV og be om økonomisk rådgivning", "Hjelp fra noen som kan dette", "Må kanskje vente på time"],
            ]),
            Part::Fields(&[("chosen", "En halvtime to kvelder på rad, og Ingrid er med den andre kvelden")]),
            Part::List("steps", &[
                "Legge alle brevene i én bunke på kjøkkenbordet",
                "Første kveld kl. 18: åpne og sortere, skrive en liste over det som haster",
                "Andre kveld kl. 18: betale det som haster, sammen med Ingrid",
                "Avtale nedbetaling med banken for resten hvis det trengs",
            ]),
            Part::Fields(&[(
                "review",
                "Det var mye mindre ille enn jeg fryktet. To regninger var purret, men ingenting var sendt til inkasso. Ingrid hjalp meg å sette opp faste trekk. Jeg sov bedre natta etter.",
            )]),
        ],
        feedback: Some(
            "Så bra at du tok tak i brevene! Det var et konkret og belastende problem, og du brukte stegene slik de er ment: flere alternativer, en løsning som var overkommelig, og en plan delt opp i små steg. At det var mindre ille enn fryktet, er en erfaring mange gjør – unngåelsen gjør problemet større i hodet. Godt å lese at du sov bedre etterpå. Nå gjenstår siste modul, der du lager en plan for å holde fast ved framgangen.",
        ),
    },
    // 8 Veien videre (relapse-prevention plan): handed in, not yet reviewed
    Homework {
        answers: &[
            Part::List("what_helped", &[
                "Å planlegge aktiviteter på faste tidspunkter, særlig tur rett etter jobb",
                "Å treffe Øyvind og andre venner hver uke, også når jeg ikke har lyst",
                "Å skrive ned tankene og sjekke om de faktisk stemmer",
                "Å ta tak i problemer med en gang i stedet for å skyve dem foran meg",
            ]),
            Part::List("warning_signs", &[
                "Jeg blir liggende på sofaen etter jobb flere dager på rad",
                "Jeg slutter å svare på meldinger",
                "Jeg legger meg sent og scroller på mobilen",
                "Jeg tenker at alt er min feil",
            ]),
            Part::List("high_risk_situations", &["Helgene uten ungene", "Mørketiden", "Mye press på jobben"]),
            Part::Fields(&[
                (
                    "action_plan",
                    "Hvis jeg merker to eller flere av varselsignalene i mer enn en uke, tar jeg fram aktivitetsskjemaet igjen og planlegger én liten ting hver dag. Jeg sier fra til Øyvind eller Ingrid at jeg har det tyngre. Blir det ikke bedre i løpet av to uker, bestiller jeg time hos fastlegen.",
                ),
                ("check_in_date", "90"),
            ]),
            Part::Rows("contacts", CONTACTS, &[
                &["Øyvind (venn)", "Ringe eller sende melding, helst kveld"],
                &["Ingrid (søster)", "Telefon, når som helst"],
                &["Fastlegen", "Bestille time på Helsenorge"],
                &["Legevakten", "116 117 hvis det haster"],
            ]),
        ],
        feedback: None,
    },
];

// ---- Amina Hassan: social anxiety, Bergvik, Ola Berg ---------------------------------------

pub const AMINA: &[Homework] = &[
    // 1 Velkommen, og dine mål (goals)
    Homework {
        answers: &[
            Part::Rows("goals", GOALS, &[
                &["Si noe i seminargruppa hver gang", "Jeg har sagt noe i alle seminarene tre uker på rad", "Stille ett spørsmål i neste seminar", "9"],
                &["Spise lunsj i kantina med de andre i klassen", "Jeg spiser i kantina minst to dager i uka", "Sette meg ved bordet til Sara og Mia én dag", "7"],
                &["Ringe selv i stedet for å sende e-post", "Jeg ringer legekontoret og Lånekassen selv", "Ringe frisøren og bestille time", "5"],
            ]),
            Part::Fields(&[(
                "why_now",
                "Jeg skal ut i praksis på sykehus om et halvt år og må kunne snakke med pasienter og kolleger. Nå unngår jeg nesten alt der jeg kan bli sett, og jeg er redd for at jeg ikke skal bestå praksisen.",
            )]),
        ],
        feedback: Some(
            "Hei Amina, og takk for gode mål. Praksisen på sykehuset er tydelig en sterk motivasjon, og målene dine peker rett mot det du trenger der: å snakke i grupper, å være sammen med andre og å ringe. Ett spørsmål i neste seminar er et godt sted å begynne. I neste modul ser vi på hva som skjer når du går inn i en sosial situasjon, og på sikkerhetsstrategiene dine.",
        ),
    },
    // 2 Forstå sosial angst (safety behaviours)
    Homework {
        answers: &[
            Part::Rows("behaviours", SAFETY_BEHAVIOURS, &[
                &["I seminaret", "Forbereder nøyaktig hva jeg skal si og øver på det i hodet", "At jeg stammer og alle ser at jeg er nervøs", "9"],
                &["Når jeg snakker med noen jeg ikke kjenner", "Ser ned og svarer kort", "At de ser at jeg rødmer og synes jeg er rar", "8"],
                &["I kantina", "Sitter med mobilen og later som jeg er opptatt", "At det synes at ingen vil snakke med meg", "7"],
                &["Når jeg kjenner at jeg rødmer", "Har på skjerf og lar håret henge foran ansiktet", "At de ser rødmen og ler av meg", "8"],
            ]),
            Part::Fields(&[(
                "first_to_drop",
                "Mobilen i kantina. Den er lettest å legge bort, og jeg ser at den gjør at ingen prøver å snakke med meg.",
            )]),
        ],
        feedback: Some(
            "Dette er en grundig liste, og du har vært ærlig om hvor mye du lener deg på strategiene. Legg merke til at flere av dem, som å se ned og svare kort, kan gjøre at andre oppfatter deg som avvisende – og det er jo nettopp det du frykter. Det er et klokt valg å begynne med mobilen i kantina. I neste modul skal du øve på å flytte oppmerksomheten fra deg selv og ut mot andre.",
        ),
    },
    // 3 Flytt oppmerksomheten utover (exposure log)
    Homework {
        answers: &[Part::Rows("exercises", EXPOSURES, &[
            &["-4", "Lunsj i kantina: lytte til hva de andre sier i stedet for å kjenne etter på meg selv", "done", "60", "70", "35", "Når jeg hørte etter, glemte jeg nesten å kjenne etter om jeg rødmet"],
            &["-3", "Handle og legge merke til fem ting i butikken i stedet for kroppen", "done", "35", "45", "15", "Det går an å flytte oppmerksomheten, men den sklir tilbake"],
            &["-2", "Seminar: lytte til den som snakker og stille ett spørsmål", "partly", "70", "85", "50", "Jeg stilte ikke spørsmålet, men fikk med meg mer av seminaret enn vanlig"],
            &["0", "Bussen hjem: se ut av vinduet og beskrive for meg selv det jeg ser", "done", "20", "30", "10", ""],
        ])],
        feedback: Some(
            "Flott innsats med øvelsene! Det du skriver fra kantina – at du nesten glemte å kjenne etter om du rødmet da du lyttet – er selve kjernen i oppmerksomhetstrening. At oppmerksomheten sklir tilbake, er helt normalt; det er derfor vi øver. I seminaret fikk du ikke stilt spørsmålet ennå, men du fikk med deg mer, og det er også framgang. Neste modul er et eksperiment der du prøver en samtale med og en uten sikkerhetsstrategiene.",
        ),
    },
    // 4 Slipp sikkerhetsstrategiene (behavioural experiment)
    Homework {
        answers: &[Part::Fields(&[
            ("prediction", "Hvis jeg ikke forbereder meg og ser folk i øynene når jeg snakker, kommer jeg til å rødme kraftig og miste tråden, og de andre vil synes jeg er rar."),
            ("belief_before", "80"),
            (
                "experiment",
                "To samtaler i pausen med Sara og en medstudent. I den første bruker jeg strategiene (forbereder meg, ser ned, svarer kort). I den andre dropper jeg dem: jeg ser på dem og sier det jeg tenker uten å planlegge. Etterpå spør jeg Sara hvordan jeg virket.",
            ),
            ("date", "-2"),
            (
                "outcome",
                "I den første samtalen var jeg mer anspent og kjente mer på rødmen. Den andre var skummel i starten, men samtalen fløt bedre, og vi lo av noe sammen. Sara merket ingen forskjell på meg, bortsett fra at jeg virket mer interessert i den andre samtalen.",
            ),
            ("belief_after", "35 %"),
            ("learning", "Sikkerhetsstrategiene gjør meg mer nervøs, ikke mindre. Og det jeg kjenner inni meg, synes mye mindre utenfra enn jeg tror."),
        ])],
        feedback: Some(
            "For et godt eksperiment, Amina. Du trodde 80 % på spådommen før, og 35 % etterpå. Det viktigste funnet er ditt eget: sikkerhetsstrategiene gjør deg mer nervøs, ikke mindre, og det du kjenner inni deg, synes mye mindre utenfra. Det var modig å spørre Sara hvordan du virket. I neste modul ser vi på tankene som skremmer, og hvordan du kan finne mer balanserte tanker.",
        ),
    },
    // 5 Tankene som skremmer (thought record)
    Homework {
        answers: &[Part::Fields(&[
            ("situation", "Gruppearbeid på skolen. Jeg la fram vår del for de andre i gruppa, fire personer, og kjente at jeg ble rød i ansiktet."),
            ("emotion", "Skam, angst"),
            ("emotion_intensity", "80"),
            ("automatic_thought", "De ser at jeg rødmer og tenker at jeg ikke klarer å snakke foran folk."),
            ("belief", "75"),
            ("evidence_for", "Jeg ble varm i ansiktet, og stemmen skalv litt i starten."),
            (
                "evidence_against",
                "Ingen sa noe om det. Mia sa etterpå at det jeg la fram, var ryddig. De andre var mest opptatt av sin egen del. Når jeg ser andre rødme, tenker jeg ikke noe negativt om dem.",
            ),
            ("alternative_thought", "Noen så kanskje at jeg ble litt rød, men det betyr ikke at de tenker dårlig om meg. Jeg fikk sagt det jeg skulle, og det var bra nok."),
            ("belief_after", "30"),
            ("emotion_after", "35"),
        ])],
        feedback: Some(
            "Godt jobbet med tankeskjemaet. Du har fanget en tanke som er svært typisk ved sosial angst: at andre ser rødmen og dømmer deg hardt. Motbevisene dine er sterke, og det siste du skriver, er kanskje det viktigste – når du ser andre rødme, tenker du ikke noe negativt om dem. Neste modul handler om atferdseksperimenter, der du setter spådommene på prøve, også ved å gjøre små «feil» med vilje.",
        ),
    },
    // 6 Atferdseksperimenter (behavioural experiment)
    Homework {
        answers: &[Part::Fields(&[
            ("prediction", "Hvis jeg søler kaffe med vilje i kantina, kommer folk til å stirre og le, og jeg blir så flau at jeg må gå."),
            ("belief_before", "70"),
            ("experiment", "Søle litt kaffe på brettet ved kassa i kantina og si «oj, så klønete» høyt. Legge merke til hvor mange som ser, og hvordan de reagerer."),
            ("date", "-3"),
            ("outcome", "Hun i kassa ga meg et tørkepapir og smilte. Én person så bort et sekund, ingen andre la merke til det. Angsten var 60 før, 70 mens det skjedde og 20 etter fem minutter."),
            ("belief_after", "15"),
            ("learning", "Folk er mye mindre opptatt av meg enn jeg tror, og små feil er helt vanlige. Det er ikke farlig å være litt klønete."),
        ])],
        feedback: Some(
            "Dette var et modig eksperiment! Å søle kaffe med vilje i kantina er vanskelig for de fleste, og du gjennomførte det. Resultatet taler for seg selv: troen på spådommen gikk fra 70 til 15 %, og angsten sank til 20 etter fem minutter. Ta med deg erfaringen om at folk er mindre opptatt av oss enn vi tror. I neste modul lager du en eksponeringstrapp, og jeg foreslår at både seminaret og telefonsamtalene kommer med.",
        ),
    },
];

// ---- Per Olsen: depression, Bergvik, Erik Nilsen -------------------------------------------

pub const PER: &[Homework] = &[
    // 1 Velkommen – og dine mål (goals)
    Homework {
        answers: &[
            Part::Rows("goals", GOALS, &[
                &["Få en fast døgnrytme", "Jeg står opp før kl. 08 på hverdager", "Sette vekkerklokka på 07.30 og spise frokost med Anne", "8"],
                &["Begynne å fiske igjen", "Jeg har vært på fisketur to ganger i måneden", "Gå gjennom fiskeutstyret i boden", "6"],
                &["Søke jobber", "Jeg har sendt minst én søknad i uka", "Oppdatere CV-en sammen med sønnen min", "8"],
            ]),
            Part::Fields(&[(
                "why_now",
                "Etter at jeg mistet jobben på verkstedet, har dagene flytt sammen. Anne er bekymret for meg, og jeg ser selv at jeg har trukket meg unna. Fastlegen mente dette kunne være et sted å begynne.",
            )]),
        ],
        feedback: Some(
            "Takk for at du har fylt ut målene, Per. Det er forståelig at dagene flyter sammen etter at du mistet jobben, og det er godt at du har tatt dette steget. Målet om fast døgnrytme er et klokt utgangspunkt, fordi det gjør det lettere å få til resten. Å ta CV-en sammen med sønnen din er en fin måte å begynne på. I neste modul skal du registrere hva du gjør gjennom dagen, og hvordan det henger sammen med humøret.",
        ),
    },
    // 2 Hva holder nedstemtheten ved like? (activity schedule): handed in, not yet reviewed
    Homework {
        answers: &[
            Part::Rows("activities", ACTIVITIES, &[
                &["-4", "09:30", "Sto opp og spiste frokost", "no", "3", "2"],
                &["-4", "13:00", "Sov middag, to timer", "no", "0", "1"],
                &["-3", "11:00", "Handlet på butikken med Anne", "no", "4", "3"],
                &["-2", "10:00", "Ryddet boden og så over fiskeutstyret", "yes", "6", "5"],
                &["-1", "19:00", "Så fotball på TV med naboen", "no", "3", "6"],
                &["0", "10:30", "Skrev om CV-en sammen med Stian", "yes", "7", "4"],
            ]),
            Part::Fields(&[(
                "reflection",
                "De dagene jeg sover middag, blir kvelden lang og tung. Det var godt å få gjort noe med boden, det har jeg utsatt i flere måneder.",
            )]),
        ],
        feedback: None,
    },
];

// ---- Sara Lunde: panic, Bergvik, Maria Johansen --------------------------------------------

pub const SARA: &[Homework] = &[
    // 1 Velkommen – og dine mål (goals): handed in, not yet reviewed
    Homework {
        answers: &[
            Part::Rows("goals", GOALS, &[
                &["Kjøre bil på motorveien igjen", "Jeg kjører til Bergen og tilbake alene", "Kjøre én avkjøring på motorveien en lørdag morgen", "9"],
                &["Være alene hjemme om kvelden", "Jeg er hjemme alene tre kvelder uten å ringe noen", "Være alene en time mens Jon trener", "7"],
            ]),
            Part::Fields(&[(
                "why_now",
                "Jeg fikk et anfall i tunnelen i sommer og har ikke kjørt langt siden. Jeg må kunne kjøre til jobb når vi flytter i vår.",
            )]),
        ],
        feedback: None,
    },
];

// ---- Henrik Moen: depression, Bergvik, Maria Johansen --------------------------------------

pub const HENRIK: &[Homework] = &[
    // 1 Velkommen – og dine mål (goals): handed in, not yet reviewed
    Homework {
        answers: &[
            Part::Rows("goals", GOALS, &[
                &["Komme meg ut hver dag", "Jeg går en tur på minst 20 minutter fem dager i uka", "Gå til postkassen og rundt kvartalet etter frokost", "8"],
                &["Ta kontakt med gamle venner", "Jeg har møtt eller ringt en venn hver uke", "Sende en melding til Ivar om kaffe", "6"],
            ]),
            Part::Fields(&[(
                "why_now",
                "Etter samlivsbruddet har jeg isolert meg mer og mer. Jeg vil tilbake til å være den som tar initiativ.",
            )]),
        ],
        feedback: None,
    },
];

// ---- Line Dahl: social anxiety, Bergvik, Ola Berg ------------------------------------------

pub const LINE: &[Homework] = &[
    // 1 Velkommen, og dine mål (goals): handed in, not yet reviewed
    Homework {
        answers: &[
            Part::Rows("goals", GOALS, &[
                &["Si hva jeg mener på teammøtene", "Jeg har sagt noe på minst to møter", "Skrive ned ett innspill før neste møte og si det", "8"],
                &["Bli med på det sosiale på jobb", "Jeg har vært med på lunsj ute eller fredagspils minst én gang", "Spise lunsj med kollegaene i stedet for ved pulten", "7"],
                &["Gå i selskap uten å grue meg i flere dager", "Jeg har takket ja til en invitasjon og blitt minst to timer", "Svare ja til bursdagen til Kristin", "6"],
            ]),
            Part::Fields(&[(
                "why_now",
                "Jeg har fått ny leder som vil at alle skal bidra mer i møtene. Jeg har gruet meg så mye at jeg har meldt meg syk to ganger på møtedager. Jeg er lei av å la angsten bestemme.",
            )]),
        ],
        feedback: None,
    },
];

// ---- Nils Aas: panic, Fjordheim DPS, Maria Johansen ----------------------------------------

pub const NILS: &[Homework] = &[
    // 1 Velkommen – og dine mål (goals)
    Homework {
        answers: &[
            Part::Rows("goals", GOALS, &[
                &["Kjøre gjennom tunnelen til byen igjen", "Jeg kjører tunnelen alene, begge veier, uten å stoppe", "Sitte på med kona gjennom tunnelen en søndag", "10"],
                &["Begynne å trene igjen", "Jeg sykler eller jogger to ganger i uka uten å sjekke pulsen underveis", "Gå raskt opp bakken bak huset", "7"],
                &["Slutte å sjekke pulsen hele tiden", "Jeg tar pulsen høyst én gang om dagen", "Telle hvor ofte jeg sjekker pulsen i en uke", "6"],
            ]),
            Part::Fields(&[(
                "why_now",
                "Far døde av hjerteinfarkt da han var 52, og etter det første anfallet har jeg vært sikker på at det samme skal skje meg. Jeg har vært sykmeldt fra jobben som sjåfør i to måneder, og jeg vil tilbake.",
            )]),
        ],
        feedback: Some(
            "Takk for målene dine, Nils. Det er lett å forstå at hjertet ble det du frykter mest etter det som skjedde med faren din. Målene er konkrete og viktige, og tunnelen får full score. Målet om å sjekke pulsen sjeldnere er godt valgt – vi kommer tilbake til hvorfor slik sjekking kan holde angsten ved like. I neste modul skal du føre panikkdagbok, slik at vi ser mønstrene.",
        ),
    },
    // 2 Panikksirkelen (panic diary)
    Homework {
        answers: &[Part::Rows("entries", PANIC_DIARY, &[
            &["-4", "06:40", "Kjørte til butikken, kø ved lyskrysset", "heart chest sweat", "70", "Hjerteinfarkt, som far"],
            &["-3", "21:30", "Lå i senga og kjente at hjertet hoppet over et slag", "heart chest tingling", "85", "At hjertet skulle stoppe mens jeg sov"],
            &["-1", "14:15", "Gikk opp bakken bak huset", "heart breath", "60", "At jeg presset hjertet for hardt"],
        ])],
        feedback: Some(
            "Dagboken viser tydelig hvordan panikken din dreier seg om hjertet: en kø, et ekstra hjerteslag eller en bratt bakke blir tolket som tegn på infarkt. Et hjerteslag som «hopper over» er svært vanlig og som regel ufarlig; snakk gjerne med fastlegen hvis du er usikker. Legg merke til at du gikk helt opp bakken selv om du var redd. Neste modul handler om kroppen og pusten, og om hvorfor kroppsfølelsene under panikk er ufarlige.",
        ),
    },
    // 3 Kroppen og pusten (panic diary)
    Homework {
        answers: &[Part::Rows("entries", PANIC_DIARY, &[
            &["-4", "11:00", "Bar ved inn fra garasjen", "heart breath sweat", "50", "At pulsen var farlig høy, men jeg fortsatte"],
            &["-3", "22:00", "Så et nyhetsinnslag om hjerteinfarkt", "chest heart tingling", "70", "At stikket i brystet var et infarkt"],
            &["-2", "08:30", "Satt på med kona til byen, gjennom tunnelen", "heart dizzy unreal hot_cold", "80", "At jeg skulle besvime og at vi måtte stoppe inne i tunnelen"],
            &["-1", "16:00", "Pustet fort før jeg skulle ringe sjefen", "dizzy tingling breath", "45", "Kjente igjen overpustingen fra modulen og ble ikke så redd"],
        ])],
        feedback: Some(
            "Fint at du har fortsatt med dagboken, Nils. Den siste registreringen er særlig god å se: du kjente igjen overpustingen og ble mindre redd, så forståelsen fra modulen virker allerede. Turen gjennom tunnelen med kona var krevende, og du gjennomførte den. I neste modul ser vi nærmere på katastrofetankene, som «hjertet kommer til å stoppe», med et tankeskjema.",
        ),
    },
];
