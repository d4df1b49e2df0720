//! Who publishes what: DOI prefixes and common journals mapped to publishers,
//! so that readers can notice a record whose journal and DOI disagree (an
//! aggregator that pasted the wrong journal onto a DOI, for instance).
//!
//! The tables hold real, stable facts about major registrants and frequent
//! health and social-science journals. They are deliberately small: an unknown
//! prefix or journal gives `None`, never a guess. Publishers are compared by
//! *group* (BioMed Central, Adis and Nature are all Springer Nature), because a
//! journal published by an imprint carries DOIs of its parent.
//!
//! Caveat, repeated in every conflict note: a DOI stays with its first
//! registrant when a journal changes publisher, so a mismatch is strong
//! evidence of an error but not proof.

use super::norm::alnum_key;

/// One publisher: the name to show and the group used for comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Publisher {
    /// Display name ("BioMed Central").
    pub name: &'static str,
    /// Corporate group compared in conflict checks ("Springer Nature").
    pub group: &'static str,
}

const fn p(name: &'static str, group: &'static str) -> Publisher {
    Publisher { name, group }
}

const SPRINGER: Publisher = p("Springer", "Springer Nature");
const BMC: Publisher = p("BioMed Central", "Springer Nature");
const NATURE: Publisher = p("Nature Portfolio", "Springer Nature");
const ADIS: Publisher = p("Adis (Springer)", "Springer Nature");
const CUP: Publisher = p("Cambridge University Press", "Cambridge University Press");
const CUP_RCPSYCH: Publisher =
    p("Cambridge University Press (Royal College of Psychiatrists)", "Cambridge University Press");
const ELSEVIER: Publisher = p("Elsevier", "Elsevier");
const WILEY: Publisher = p("Wiley", "Wiley");
const TANDF: Publisher = p("Taylor & Francis", "Taylor & Francis");
const SAGE: Publisher = p("SAGE", "SAGE");
const BMJ: Publisher = p("BMJ", "BMJ");
const OUP: Publisher = p("Oxford University Press", "Oxford University Press");
const WK: Publisher = p("Wolters Kluwer", "Wolters Kluwer");
const MDPI: Publisher = p("MDPI", "MDPI");
const AMA: Publisher = p("American Medical Association", "American Medical Association");
const MMS: Publisher = p("Massachusetts Medical Society", "Massachusetts Medical Society");
const PLOS: Publisher = p("PLOS", "PLOS");
const FRONTIERS: Publisher = p("Frontiers", "Frontiers");
const JMIR: Publisher = p("JMIR Publications", "JMIR Publications");
const APA_PSYCH: Publisher = p("American Psychological Association", "American Psychological Association");
const APA_PSYCHIATRY: Publisher =
    p("American Psychiatric Association Publishing", "American Psychiatric Association");
const NIHR: Publisher = p("NIHR Journals Library", "NIHR Journals Library");

/// DOI prefix -> publisher (registrant). Sorted by prefix.
const DOI_PREFIXES: &[(&str, Publisher)] = &[
    ("10.1001", AMA),
    ("10.1002", WILEY),
    ("10.1006", p("Academic Press (Elsevier)", "Elsevier")),
    ("10.1007", SPRINGER),
    ("10.1016", ELSEVIER),
    ("10.1017", CUP),
    ("10.1024", p("Hogrefe", "Hogrefe")),
    ("10.1027", p("Hogrefe", "Hogrefe")),
    ("10.1037", APA_PSYCH),
    ("10.1038", NATURE),
    ("10.1046", p("Blackwell (Wiley)", "Wiley")),
    ("10.1053", p("W.B. Saunders (Elsevier)", "Elsevier")),
    ("10.1055", p("Thieme", "Thieme")),
    ("10.1056", MMS),
    ("10.1073", p("National Academy of Sciences", "National Academy of Sciences")),
    ("10.1080", TANDF),
    ("10.1086", p("University of Chicago Press", "University of Chicago Press")),
    ("10.1089", p("Mary Ann Liebert", "Mary Ann Liebert")),
    ("10.1093", OUP),
    ("10.1097", WK),
    ("10.1101", p("Cold Spring Harbor Laboratory", "Cold Spring Harbor Laboratory")),
    ("10.1108", p("Emerald", "Emerald")),
    ("10.1111", p("Wiley-Blackwell", "Wiley")),
    ("10.1126", p("American Association for the Advancement of Science", "AAAS")),
    ("10.1136", BMJ),
    ("10.1146", p("Annual Reviews", "Annual Reviews")),
    ("10.1155", p("Hindawi", "Wiley")),
    ("10.1159", p("Karger", "Karger")),
    ("10.1162", p("MIT Press", "MIT Press")),
    ("10.1176", APA_PSYCHIATRY),
    ("10.1177", SAGE),
    ("10.1186", BMC),
    ("10.1192", CUP_RCPSYCH),
    ("10.12688", p("F1000 Research", "Taylor & Francis")),
    ("10.1371", PLOS),
    ("10.1503", p("Canadian Medical Association", "Canadian Medical Association")),
    ("10.1515", p("De Gruyter", "De Gruyter")),
    ("10.1542", p("American Academy of Pediatrics", "American Academy of Pediatrics")),
    ("10.1590", p("SciELO", "SciELO")),
    ("10.2105", p("American Public Health Association", "American Public Health Association")),
    ("10.2196", JMIR),
    ("10.3109", p("Informa Healthcare (Taylor & Francis)", "Taylor & Francis")),
    ("10.3310", NIHR),
    ("10.3389", FRONTIERS),
    ("10.3390", MDPI),
    ("10.4103", p("Medknow (Wolters Kluwer)", "Wolters Kluwer")),
    ("10.7717", p("PeerJ", "PeerJ")),
];

/// Journals (full titles and NLM abbreviations) -> publisher.
const JOURNALS: &[(&[&str], Publisher)] = &[
    (&["BMC Medicine", "BMC Med"], BMC),
    (&["BMC Psychiatry"], BMC),
    (&["BMC Public Health"], BMC),
    (&["BMC Health Services Research", "BMC Health Serv Res"], BMC),
    (&["BMC Pregnancy and Childbirth", "BMC Pregnancy Childbirth"], BMC),
    (&["Systematic Reviews", "Syst Rev"], BMC),
    (&["Trials"], BMC),
    (&["Frontiers in Sociology", "Front Sociol"], FRONTIERS),
    (&["Frontiers in Psychiatry", "Front Psychiatry"], FRONTIERS),
    (&["Frontiers in Psychology", "Front Psychol"], FRONTIERS),
    (&["Frontiers in Public Health", "Front Public Health"], FRONTIERS),
    (&["Interactive Journal of Medical Research", "Interact J Med Res"], JMIR),
    (&["Journal of Medical Internet Research", "J Med Internet Res"], JMIR),
    (&["JMIR Mental Health", "JMIR Ment Health"], JMIR),
    (&["PLoS One", "PLOS ONE"], PLOS),
    (&["PLoS Medicine", "PLoS Med"], PLOS),
    (&["Social Psychiatry and Psychiatric Epidemiology", "Soc Psychiatry Psychiatr Epidemiol"], SPRINGER),
    (&["Archives of Women's Mental Health", "Arch Womens Ment Health"], SPRINGER),
    (&["Community Mental Health Journal", "Community Ment Health J"], SPRINGER),
    (
        &[
            "Administration and Policy in Mental Health and Mental Health Services Research",
            "Administration and Policy in Mental Health",
            "Adm Policy Ment Health",
        ],
        SPRINGER,
    ),
    (&["CNS Drugs"], ADIS),
    (&["Irish Journal of Psychological Medicine", "Ir J Psychol Med"], CUP),
    (&["Psychological Medicine", "Psychol Med"], CUP),
    (&["Epidemiology and Psychiatric Sciences", "Epidemiol Psychiatr Sci"], CUP),
    (&["The British Journal of Psychiatry", "British Journal of Psychiatry", "Br J Psychiatry"], CUP_RCPSYCH),
    (&["BJPsych Open"], CUP_RCPSYCH),
    (&["The Lancet", "Lancet"], ELSEVIER),
    (&["The Lancet Psychiatry", "Lancet Psychiatry"], ELSEVIER),
    (&["Journal of Affective Disorders", "J Affect Disord"], ELSEVIER),
    (&["Social Science & Medicine", "Social Science and Medicine", "Soc Sci Med"], ELSEVIER),
    (&["International Journal of Nursing Studies", "Int J Nurs Stud"], ELSEVIER),
    (&["Midwifery"], ELSEVIER),
    (&["Child Abuse & Neglect", "Child Abuse and Neglect", "Child Abuse Negl"], ELSEVIER),
    (&["Infant Mental Health Journal", "Infant Ment Health J"], WILEY),
    (&["Health Expectations", "Health Expect"], WILEY),
    (&["Journal of Psychiatric and Mental Health Nursing", "J Psychiatr Ment Health Nurs"], WILEY),
    (&["International Journal of Mental Health Nursing", "Int J Ment Health Nurs"], WILEY),
    (&["Cochrane Database of Systematic Reviews", "Cochrane Database Syst Rev"], WILEY),
    (&["World Psychiatry"], WILEY),
    (&["Journal of Mental Health", "J Ment Health"], TANDF),
    (&["Journal of Interprofessional Care", "J Interprof Care"], TANDF),
    (&["Qualitative Research in Psychology", "Qual Res Psychol"], TANDF),
    (&["Journal of Reproductive and Infant Psychology", "J Reprod Infant Psychol"], TANDF),
    (&["Attachment & Human Development", "Attachment and Human Development", "Attach Hum Dev"], TANDF),
    (&["Qualitative Health Research", "Qual Health Res"], SAGE),
    (&["Clinical Child Psychology and Psychiatry", "Clin Child Psychol Psychiatry"], SAGE),
    (&["BMJ", "British Medical Journal"], BMJ),
    (&["BMJ Open"], BMJ),
    (&["Evidence-Based Mental Health", "Evid Based Ment Health"], BMJ),
    (&["Nature Human Behaviour", "Nat Hum Behav"], NATURE),
    (&["JAMA", "Journal of the American Medical Association"], AMA),
    (&["JAMA Psychiatry"], AMA),
    (&["JAMA Network Open", "JAMA Netw Open"], AMA),
    (&["The New England Journal of Medicine", "New England Journal of Medicine", "N Engl J Med"], MMS),
    (
        &["The American Journal of Psychiatry", "American Journal of Psychiatry", "Am J Psychiatry"],
        APA_PSYCHIATRY,
    ),
    (&["Psychiatric Services", "Psychiatr Serv"], APA_PSYCHIATRY),
    (&["Journal of Consulting and Clinical Psychology", "J Consult Clin Psychol"], APA_PSYCH),
    (&["Psychological Bulletin", "Psychol Bull"], APA_PSYCH),
    (
        &[
            "International Journal of Environmental Research and Public Health",
            "Int J Environ Res Public Health",
        ],
        MDPI,
    ),
    (&["Healthcare (Basel)", "Healthcare Basel"], MDPI),
    (&["Schizophrenia Bulletin", "Schizophr Bull"], OUP),
    (&["Health Policy and Planning", "Health Policy Plan"], OUP),
    (&["Medicine (Baltimore)", "Medicine Baltimore"], WK),
    (&["Health Technology Assessment", "Health Technol Assess"], NIHR),
    (&["Health and Social Care Delivery Research", "Health Soc Care Deliv Res"], NIHR),
];

/// The DOI prefix (`10.1017`) of a DOI in any spelling; `None` when not a DOI.
pub fn doi_prefix(doi: &str) -> Option<String> {
    let d = super::norm::normalize_doi(doi)?;
    d.split_once('/').map(|(pre, _)| pre.to_string())
}

/// The publisher (registrant) of a DOI's prefix, when it is in the table.
pub fn publisher_of_doi(doi: &str) -> Option<&'static str> {
    doi_publisher(doi).map(|p| p.name)
}

/// The publisher of a journal given by full title or NLM abbreviation
/// (compared with [`alnum_key`], so case, punctuation and "&"/"and" spacing
/// do not matter), when it is in the table.
pub fn publisher_of_venue(name: &str) -> Option<&'static str> {
    venue_publisher(name).map(|p| p.name)
}

fn doi_publisher(doi: &str) -> Option<Publisher> {
    let prefix = doi_prefix(doi)?;
    DOI_PREFIXES.binary_search_by(|(pre, _)| (*pre).cmp(prefix.as_str())).ok().map(|i| DOI_PREFIXES[i].1)
}

fn venue_publisher(name: &str) -> Option<Publisher> {
    let key = alnum_key(name);
    if key.is_empty() {
        return None;
    }
    JOURNALS.iter().find(|(names, _)| names.iter().any(|n| alnum_key(n) == key)).map(|(_, p)| *p)
}

/// A note explaining why `venue` and `doi` disagree, when the journal's
/// publisher and the DOI prefix's registrant are both known and belong to
/// different groups; `None` when they agree or either is unknown.
pub fn venue_conflict(venue: &str, doi: &str) -> Option<String> {
    let by_venue = venue_publisher(venue)?;
    let by_doi = doi_publisher(doi)?;
    if by_venue.group == by_doi.group {
        return None;
    }
    let prefix = doi_prefix(doi)?;
    Some(format!(
        "journal \"{}\" is published by {} but DOI prefix {prefix} belongs to {}; \
         the journal name or the DOI is probably wrong (DOIs keep their first registrant \
         when a journal changes publisher)",
        crate::model::norm::squash_ws(venue),
        by_venue.name,
        by_doi.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted() {
        assert!(DOI_PREFIXES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn lookups() {
        assert_eq!(
            publisher_of_doi("https://doi.org/10.1017/ipm.2022.11"),
            Some("Cambridge University Press")
        );
        assert_eq!(publisher_of_doi("10.1186/s12916-024-03260-y"), Some("BioMed Central"));
        assert_eq!(publisher_of_doi("10.9999/x"), None);
        assert_eq!(publisher_of_venue("CNS drugs"), Some("Adis (Springer)"));
        assert_eq!(publisher_of_venue("Soc Psychiatry Psychiatr Epidemiol"), Some("Springer"));
        assert_eq!(
            publisher_of_venue("Irish journal of psychological medicine"),
            Some("Cambridge University Press")
        );
        assert!(venue_conflict("CNS drugs", "10.1017/ipm.2022.11").is_some());
        assert!(venue_conflict("Ir J Psychol Med", "10.1017/ipm.2022.11").is_none());
        // Imprints of one group do not conflict: BMC journal, Springer DOI.
        assert!(venue_conflict("BMC Med", "10.1007/x").is_none());
        assert!(venue_conflict("Unknown Journal", "10.1017/x").is_none());
    }
}
