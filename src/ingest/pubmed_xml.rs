//! PubMed XML reader (efetch `retmode=xml` and the web "Send to -> File ->
//! XML" download): `PubmedArticleSet/PubmedArticle` and `PubmedBookArticle`.
//!
//! Reads authors (family/given, `CollectiveName` as organisation, ORCID from
//! `Identifier Source="ORCID"`, affiliations), ids (PMID, DOI from
//! `ELocationID` and `ArticleIdList`, PMC), journal, dates (`PubDate` or
//! `MedlineDate`, `ArticleDate` as e-publication), structured abstracts
//! (`AbstractText Label=...` -> `LABEL: text` lines), MeSH, keywords,
//! publication types and `ReferenceList/Reference` (citation text plus the
//! PubMed/DOI/PMC ids given for it).
//!
//! Built on [`super::xmltree`] (quick-xml): broken XML keeps the articles read
//! before the fault and reports it with its line.

use super::dates;
use super::normalize;
use super::refs;
use super::xmltree::{self, Element};
use crate::model::norm::normalize_orcid;
use crate::model::{Author, Date, Diagnostic, Identifier, Parsed, Provenance, Record};

/// The format name written into [`Record::source_kind`].
pub const NAME: &str = "pubmed-xml";

/// True when `text` looks like PubMed XML (`<PubmedArticleSet>` or a
/// `<PubmedArticle>` near the start).
pub fn sniff(text: &str) -> bool {
    let head = normalize::head(text, 4096);
    head.trim_start_matches('\u{feff}').trim_start().starts_with('<')
        && (head.contains("<PubmedArticleSet")
            || head.contains("<PubmedArticle>")
            || head.contains("<PubmedArticle "))
}

/// Reads a PubMed XML file. `input` is the label used in provenance.
pub fn parse(input: &str, text: &str) -> Parsed {
    let (root, fault) = xmltree::parse(text);
    let mut parsed = Parsed::default();
    let mut articles = Vec::new();
    for name in ["PubmedArticle", "PubmedBookArticle"] {
        root.descendants(name, &mut articles);
    }
    articles.sort_by_key(|e| e.line);
    parsed.seen = articles.len();
    for (i, a) in articles.iter().enumerate() {
        parsed.records.push(to_record(input, a, i, &mut parsed.diagnostics));
    }
    if let Some(f) = fault {
        let key = parsed.records.last().and_then(|r| r.at.record.clone());
        parsed.diagnostics.push(Diagnostic::error(
            Provenance::with_record(input, f.line, key),
            format!("{}: kept {} article(s) read before it", f.message, parsed.records.len()),
        ));
    }
    parsed
}

fn date_of(e: &Element) -> Option<Date> {
    if let Some(md) = e.text_at(&["MedlineDate"]) {
        return dates::parse(&md);
    }
    let year: i32 = e.text_at(&["Year"])?.trim().parse().ok()?;
    let month = e.text_at(&["Month"]).and_then(|m| dates::month_number(&m));
    let day =
        month.and(e.text_at(&["Day"]).and_then(|d| d.trim().parse().ok()).filter(|d| (1..=31).contains(d)));
    Some(Date { year, month, day })
}

fn author(e: &Element) -> Option<Author> {
    let mut a = if let Some(c) = e.text_at(&["CollectiveName"]) {
        Author::org(&c)
    } else {
        let family = e.text_at(&["LastName"])?;
        let given = e.text_at(&["ForeName"]).or_else(|| e.text_at(&["Initials"])).unwrap_or_default();
        let suffix = e.text_at(&["Suffix"]).map(|s| format!(" {s}")).unwrap_or_default();
        let raw = if given.is_empty() { family.clone() } else { format!("{family}, {given}{suffix}") };
        Author { raw, family, given: format!("{given}{suffix}").trim().to_string(), ..Author::default() }
    };
    for id in e.children_named("Identifier") {
        if id.attr("Source").is_some_and(|s| s.eq_ignore_ascii_case("orcid")) {
            a.set_orcid(normalize_orcid(&id.text()));
        }
    }
    for info in e.children_named("AffiliationInfo") {
        if let Some(aff) = info.text_at(&["Affiliation"]) {
            normalize::push_unique(a.affiliations_mut(), &aff);
        }
    }
    Some(a)
}

/// Adds the id of an `<ArticleId>` to `ids`; a DOI, PMID or PMCID that does
/// not read as one is dropped with a warning at `at`.
fn add_article_id(ids: &mut Vec<Identifier>, e: &Element, at: &Provenance, diags: &mut Vec<Diagnostic>) {
    let v = e.text();
    let kind = e.attr("IdType").unwrap_or("");
    let id = match kind {
        "doi" => Identifier::doi(&v),
        "pubmed" => Identifier::pmid(&v),
        "pmc" | "pmcid" => {
            let digits: String = v.chars().filter(|c| c.is_ascii_digit()).collect();
            (!digits.is_empty()).then(|| Identifier::Pmcid(format!("PMC{digits}")))
        }
        _ => return,
    };
    match id {
        Some(id) if !ids.contains(&id) => ids.push(id),
        Some(_) => {}
        None => diags.push(Diagnostic::warning(
            Provenance::with_record(&at.input, e.line, at.record.clone()),
            format!("ArticleId {kind:?} {:?} is not a valid {kind} id: id dropped", v.trim()),
        )),
    }
}

fn to_record(input: &str, art: &Element, ordinal: usize, diags: &mut Vec<Diagnostic>) -> Record {
    let empty = Element::default();
    let cit = art.child("MedlineCitation").or_else(|| art.child("BookDocument")).unwrap_or(&empty);
    let article = cit.child("Article").unwrap_or(cit);
    let pmid = cit.text_at(&["PMID"]);
    let key = pmid.clone().unwrap_or_else(|| format!("#{}", ordinal + 1));
    let at = Provenance::new(input, art.line, Some(key.clone()));
    let mut r = Record::new(at.clone(), NAME);
    if let Some(id) = pmid.as_deref().and_then(Identifier::pmid) {
        r.add_id(id);
    }
    r.title = article.text_at(&["ArticleTitle"]).or_else(|| article.text_at(&["BookTitle"]));
    if let Some(v) = article.text_at(&["VernacularTitle"]) {
        r.alt_titles.push((None, v));
    }
    if let Some(list) = article.child("AuthorList") {
        r.authors = list.children_named("Author").filter_map(author).collect();
    }
    let journal = article.child("Journal");
    if let Some(j) = journal {
        r.venue = j.text_at(&["Title"]);
        r.venue_abbrev = j.text_at(&["ISOAbbreviation"]);
        for issn in j.children_named("ISSN") {
            if let Some(i) = normalize::normalize_issn(&issn.text()) {
                normalize::push_unique(&mut r.issn, &i);
            }
        }
        r.volume = j.text_at(&["JournalIssue", "Volume"]);
        r.issue = j.text_at(&["JournalIssue", "Issue"]);
        r.published = j.path(&["JournalIssue", "PubDate"]).and_then(date_of);
    }
    if let Some(book) = article.child("Book") {
        r.venue = r.venue.take().or_else(|| book.text_at(&["BookTitle"]));
        r.publisher = book.text_at(&["Publisher", "PublisherName"]);
        r.published = r.published.or_else(|| book.child("PubDate").and_then(date_of));
        for isbn in book.children_named("Isbn") {
            if let Some(i) = normalize::normalize_isbn(&isbn.text()) {
                r.add_id(Identifier::Isbn(i));
            }
        }
    }
    if r.venue_abbrev.is_none() {
        r.venue_abbrev = cit.text_at(&["MedlineJournalInfo", "MedlineTA"]);
    }
    if let Some(i) =
        cit.text_at(&["MedlineJournalInfo", "ISSNLinking"]).and_then(|i| normalize::normalize_issn(&i))
    {
        normalize::push_unique(&mut r.issn, &i);
    }
    if let Some(p) = article.child("Pagination") {
        r.pages = p.text_at(&["MedlinePgn"]).or_else(|| {
            let s = p.text_at(&["StartPage"])?;
            Some(match p.text_at(&["EndPage"]) {
                Some(e) => format!("{s}-{e}"),
                None => s,
            })
        });
    }
    for el in article.children_named("ELocationID") {
        match el.attr("EIdType") {
            Some("doi") => {
                if let Some(d) = Identifier::doi(&el.text()) {
                    r.add_id(d);
                }
            }
            Some("pii") if r.pages.is_none() => r.pages = Some(el.text()),
            _ => {}
        }
    }
    r.epublished = article
        .children_named("ArticleDate")
        .find(|d| d.attr("DateType").is_none_or(|t| t == "Electronic"))
        .and_then(date_of);
    if let Some(abs) = article.child("Abstract") {
        let parts: Vec<String> = abs
            .children_named("AbstractText")
            .map(|t| match t.attr("Label").filter(|l| !l.is_empty()) {
                Some(l) => format!("{l}: {}", t.text()),
                None => t.text(),
            })
            .filter(|s| !s.is_empty())
            .collect();
        if !parts.is_empty() {
            r.abstract_text = Some(parts.join("\n"));
        }
    }
    r.language = article.text_at(&["Language"]).and_then(|l| super::language::language(&l));
    if let Some(list) = article.child("PublicationTypeList") {
        for pt in list.children_named("PublicationType") {
            r.doc_type = normalize::merge_doc_type(r.doc_type, normalize::doc_type_from_name(&pt.text()));
        }
    }
    if art.name == "PubmedBookArticle" {
        let kind = if article.child("ArticleTitle").is_some() {
            crate::model::DocType::Chapter
        } else {
            crate::model::DocType::Book
        };
        r.doc_type = normalize::merge_doc_type(Some(kind), r.doc_type);
    }
    r.doc_type = normalize::refine_doc_type(r.doc_type, r.title.as_deref());
    if let Some(mesh) = cit.child("MeshHeadingList") {
        for h in mesh.children_named("MeshHeading") {
            if let Some(d) = h.text_at(&["DescriptorName"]) {
                normalize::push_unique(&mut r.subjects, &d);
            }
        }
    }
    for kl in cit.children_named("KeywordList") {
        for k in kl.children_named("Keyword") {
            normalize::push_unique(&mut r.keywords, &k.text());
        }
    }
    let data = art.child("PubmedData").or_else(|| art.child("PubmedBookData"));
    if let Some(ids) = data.and_then(|d| d.child("ArticleIdList")) {
        let mut list = std::mem::take(&mut r.ids);
        for id in ids.children_named("ArticleId") {
            add_article_id(&mut list, id, &at, diags);
        }
        r.ids = list;
    }
    if let Some(d) = data {
        let mut references = Vec::new();
        for rl in d.children_named("ReferenceList") {
            rl.descendants("Reference", &mut references);
        }
        for reference in references {
            let text = reference.text_at(&["Citation"]).unwrap_or_default();
            let mut ids = Vec::new();
            if let Some(list) = reference.child("ArticleIdList") {
                for id in list.children_named("ArticleId") {
                    add_article_id(&mut ids, id, &at, diags);
                }
            }
            if text.is_empty() && ids.is_empty() {
                diags.push(Diagnostic::warning(
                    Provenance::new(input, reference.line, Some(key.clone())),
                    "reference has no citation text and no id: reference dropped",
                ));
                continue;
            }
            let raw = if text.is_empty() {
                ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")
            } else {
                text
            };
            let mut c =
                refs::parse_pubmed_citation(&raw, Provenance::new(input, reference.line, Some(key.clone())));
            for id in ids {
                if !c.ids.contains(&id) {
                    c.ids.push(id);
                }
            }
            c.count = 1;
            r.citations.push(c);
        }
    }
    if r.title.is_none() {
        diags.push(Diagnostic::warning(at, "article has no title"));
    }
    diags.extend(super::table::book_isbn_only(&mut r));
    r.mark_missing();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medline_date_book_and_collective() {
        let text = "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>\
            <Journal><JournalIssue><PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate></JournalIssue></Journal>\
            <ArticleTitle>T</ArticleTitle><AuthorList><Author><CollectiveName>NICE Guideline Group</CollectiveName></Author></AuthorList>\
            <PublicationTypeList><PublicationType>Journal Article</PublicationType><PublicationType>Systematic Review</PublicationType></PublicationTypeList>\
            </Article></MedlineCitation></PubmedArticle></PubmedArticleSet>";
        let p = parse("p.xml", text);
        let r = &p.records[0];
        assert_eq!(r.published, Some(Date { year: 1998, month: Some(12), day: None }));
        assert!(r.authors[0].is_org);
        assert_eq!(r.doc_type, Some(crate::model::DocType::SystematicReview));
        assert!(sniff(text));
    }
}
