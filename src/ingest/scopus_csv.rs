//! Scopus CSV exports ("Export → CSV", all information, with references).
//!
//! Columns are found by header name, so both the current 45-column layout
//! (`Author full names` with Scopus author ids) and the older one (`Funding
//! Text 1`, comma-separated `Authors`) work. Rows with more fields than the
//! header (an unlabelled column before `References`, seen in real exports) are
//! realigned by finding which column holds the reference list or the EID,
//! with a warning. `References` is split into entries and each entry parsed by
//! [`refs::parse_free_text`]. `Authors with affiliations` gives each author's
//! affiliations; entries of `Affiliations` that no author has are kept in
//! [`Record::affiliations`].

use super::refs;
use super::table::{self, cell, header_key, Table};
use crate::model::norm::squash_ws;
use crate::model::{Author, Date, Diagnostic, Identifier, Parsed, Provenance, Record};

/// Format name used in `source_kind`.
pub const NAME: &str = "scopus-csv";

/// The English column names this reader uses, each with the names Scopus
/// gives it in its localised interfaces (Chinese simplified and traditional,
/// Japanese, Korean, Spanish, Portuguese, German, French, Italian, Russian).
/// Names are compared by [`header_key`], so case, accents, spaces and
/// punctuation do not matter.
const COLUMNS: &[(&str, &[&str])] = &[
    ("Authors", &["作者", "著者", "저자", "Autores", "Autor(es)", "Autoren", "Auteurs", "Autori", "Авторы"]),
    (
        "Author full names",
        &[
            "作者全名",
            "作者全稱",
            "著者フルネーム",
            "저자 전체 이름",
            "Nombres completos de los autores",
            "Nombres completos del autor",
            "Nomes completos dos autores",
            "Vollständige Autorennamen",
            "Noms complets des auteurs",
            "Nomi completi degli autori",
            "Полные имена авторов",
        ],
    ),
    (
        "Author(s) ID",
        &[
            "作者 ID",
            "作者ID",
            "著者 ID",
            "著者ID",
            "저자 ID",
            "ID de autor(es)",
            "ID de los autores",
            "ID do(s) autor(es)",
            "ID dos autores",
            "Autor(en)-ID",
            "Autoren-ID",
            "ID d'auteur(s)",
            "Identifiant(s) de l'auteur",
            "ID autore/i",
            "ID автора(ов)",
        ],
    ),
    (
        "Title",
        &[
            "文献标题",
            "文獻標題",
            "标题",
            "標題",
            "タイトル",
            "文献タイトル",
            "제목",
            "문헌 제목",
            "Título",
            "Título del documento",
            "Título do documento",
            "Titel",
            "Dokumenttitel",
            "Titre",
            "Titre du document",
            "Titolo",
            "Название",
        ],
    ),
    ("Year", &["年份", "年", "出版年", "연도", "Año", "Ano", "Jahr", "Année", "Anno", "Год"]),
    (
        "Source title",
        &[
            "来源出版物名称",
            "來源出版物名稱",
            "出典タイトル",
            "資料タイトル",
            "출처 제목",
            "Título de la fuente",
            "Título del origen",
            "Título da fonte",
            "Título da origem",
            "Quellentitel",
            "Titel der Quelle",
            "Titre de la source",
            "Titolo della fonte",
            "Название источника",
        ],
    ),
    ("Volume", &["卷", "巻", "권", "Volumen", "Band", "Volume", "Том"]),
    ("Issue", &["期", "号", "호", "Número", "Edição", "Ausgabe", "Heft", "Numéro", "Fascicolo", "Выпуск"]),
    (
        "Art. No.",
        &[
            "论文编号",
            "論文編號",
            "文章编号",
            "文献编号",
            "論文番号",
            "記事番号",
            "논문 번호",
            "Nº de artículo",
            "N.º de artículo",
            "Número de artículo",
            "Nº do artigo",
            "Número do artigo",
            "Artikelnummer",
            "Artikelnr.",
            "N° d'article",
            "Numéro d'article",
            "Numero articolo",
            "Номер статьи",
        ],
    ),
    (
        "Page start",
        &[
            "起始页码",
            "起始頁碼",
            "開始ページ",
            "시작 페이지",
            "Página inicial",
            "Página de inicio",
            "Anfangsseite",
            "Startseite",
            "Erste Seite",
            "Page de début",
            "Première page",
            "Pagina iniziale",
            "Начальная страница",
        ],
    ),
    (
        "Page end",
        &[
            "结束页码",
            "結束頁碼",
            "終了ページ",
            "끝 페이지",
            "Página final",
            "Página de fin",
            "Endseite",
            "Letzte Seite",
            "Page de fin",
            "Dernière page",
            "Pagina finale",
            "Конечная страница",
        ],
    ),
    (
        "Cited by",
        &[
            "施引文献",
            "施引文獻",
            "引用次数",
            "被引用数",
            "被引用文献",
            "인용 횟수",
            "Citado por",
            "Citado por (número)",
            "Zitiert von",
            "Zitiert durch",
            "Cité par",
            "Citato da",
            "Цитировано",
        ],
    ),
    (
        "Link",
        &["链接", "連結", "リンク", "링크", "Enlace", "Vínculo", "Link", "Lien", "Collegamento", "Ссылка"],
    ),
    (
        "Affiliations",
        &[
            "归属机构",
            "歸屬機構",
            "所属機関",
            "소속",
            "소속 기관",
            "Afiliaciones",
            "Afiliações",
            "Zugehörigkeiten",
            "Affiliationen",
            "Affiliations",
            "Affiliazioni",
            "Аффилиации",
        ],
    ),
    (
        "Authors with affiliations",
        &[
            "带归属机构的作者",
            "帶歸屬機構的作者",
            "所属機関付き著者",
            "著者と所属機関",
            "소속 기관이 있는 저자",
            "Autores con afiliaciones",
            "Autores com afiliações",
            "Autoren mit Zugehörigkeiten",
            "Autoren mit Affiliationen",
            "Auteurs avec affiliations",
            "Autori con affiliazioni",
            "Авторы с аффилиациями",
        ],
    ),
    (
        "Abstract",
        &[
            "摘要",
            "抄録",
            "要旨",
            "초록",
            "Resumen",
            "Resumo",
            "Zusammenfassung",
            "Kurzfassung",
            "Abstrakt",
            "Résumé",
            "Riassunto",
            "Аннотация",
        ],
    ),
    (
        "Author Keywords",
        &[
            "作者关键字",
            "作者關鍵字",
            "作者关键词",
            "著者キーワード",
            "저자 키워드",
            "Palabras clave del autor",
            "Palavras-chave do autor",
            "Schlüsselwörter des Autors",
            "Autorenschlüsselwörter",
            "Autor-Schlüsselwörter",
            "Mots-clés de l'auteur",
            "Mots-clés des auteurs",
            "Parole chiave dell'autore",
            "Ключевые слова автора",
        ],
    ),
    (
        "Index Keywords",
        &[
            "索引关键字",
            "索引關鍵字",
            "索引关键词",
            "索引キーワード",
            "색인 키워드",
            "Palabras clave indexadas",
            "Palabras clave del índice",
            "Palavras-chave indexadas",
            "Palavras-chave de indexação",
            "Indexschlüsselwörter",
            "Index-Schlüsselwörter",
            "Mots-clés indexés",
            "Mots-clés d'indexation",
            "Parole chiave indicizzate",
            "Ключевые слова указателя",
        ],
    ),
    (
        "References",
        &[
            "参考文献",
            "參考文獻",
            "참고문헌",
            "참고 문헌",
            "Referencias",
            "Referências",
            "Literaturhinweise",
            "Referenzen",
            "Literaturverzeichnis",
            "Références",
            "Riferimenti",
            "Riferimenti bibliografici",
            "Библиографические ссылки",
            "Ссылки на литературу",
        ],
    ),
    (
        "Publisher",
        &[
            "出版商",
            "出版社",
            "출판사",
            "Editorial",
            "Editora",
            "Editor",
            "Verlag",
            "Herausgeber",
            "Éditeur",
            "Editore",
            "Издатель",
        ],
    ),
    (
        "Language of Original Document",
        &[
            "原始文献语言",
            "原始文獻語言",
            "原文の言語",
            "원본 문서 언어",
            "Idioma del documento original",
            "Idioma do documento original",
            "Sprache des Originaldokuments",
            "Langue du document original",
            "Lingua del documento originale",
            "Язык оригинального документа",
        ],
    ),
    (
        "Abbreviated Source Title",
        &[
            "来源出版物名称缩写",
            "來源出版物名稱縮寫",
            "出典タイトルの略称",
            "略称出典タイトル",
            "약어 출처 제목",
            "Título abreviado de la fuente",
            "Título de la fuente abreviado",
            "Título abreviado da fonte",
            "Abgekürzter Quellentitel",
            "Titre abrégé de la source",
            "Titolo abbreviato della fonte",
            "Сокращенное название источника",
        ],
    ),
    (
        "Document Type",
        &[
            "文献类型",
            "文獻類型",
            "ドキュメントタイプ",
            "文献タイプ",
            "문서 유형",
            "Tipo de documento",
            "Dokumenttyp",
            "Type de document",
            "Tipo di documento",
            "Тип документа",
        ],
    ),
    (
        "PubMed ID",
        &[
            "PubMed ID",
            "PubMed-ID",
            "ID de PubMed",
            "ID do PubMed",
            "Identifiant PubMed",
            "PubMed 标识",
            "PubMed 標識",
        ],
    ),
];

/// The English column name for a header cell in any of Scopus's languages.
fn canonical(h: &str) -> Option<&'static str> {
    let k = header_key(h);
    if k.is_empty() {
        return None;
    }
    COLUMN_KEYS.get(&k).copied()
}

/// [`COLUMNS`] by [`header_key`], built once.
static COLUMN_KEYS: std::sync::LazyLock<std::collections::HashMap<String, &'static str>> =
    std::sync::LazyLock::new(|| table::header_index(COLUMNS, true));

/// Column names a Scopus CSV carries in every language (`EID`, `DOI`,
/// `ISSN`, `ISBN`, `CODEN`).
fn is_universal(h: &str) -> bool {
    matches!(header_key(h).as_str(), "eid" | "doi" | "issn" | "isbn" | "coden" | "pubmedid")
}

/// True for a Scopus CSV: a CSV header whose cells name the Scopus
/// columns in any of its interface languages (title, source title and EID or
/// article number), or, whatever the header says, a CSV of ten columns or
/// more whose first rows hold Scopus EIDs (`2-s2.0-…`) or record links.
pub fn sniff(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let cells = super::table::split_header(first, ',');
    if cells.len() < 5 {
        return false;
    }
    let names: Vec<Option<&str>> = cells.iter().map(|c| canonical(c)).collect();
    let has = |n: &str| names.contains(&Some(n));
    let eid = cells.iter().any(|c| header_key(c) == "eid");
    if has("Title") && has("Source title") && (eid || has("Art. No.")) {
        return true;
    }
    // By content: the first rows (64 KiB at most) hold EIDs or Scopus links.
    let head = text.get(..text.len().min(65_536)).unwrap_or_else(|| {
        let mut end = text.len().min(65_536);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    });
    cells.len() >= 10
        && (eid || names.iter().flatten().count() >= 4)
        && (head.contains(",\"2-s2.0-") || head.contains("scopus.com/inward/record.uri"))
}

/// A test of one cell value.
type ValueTest = fn(&str) -> bool;

/// Replaces localised header names by the English ones this reader uses;
/// columns still unnamed are found by their content (EIDs, Scopus links,
/// DOIs, reference lists, years), when exactly one column fits.
fn localise(table: &mut Table) {
    for h in &mut table.header {
        if let Some(en) = canonical(h) {
            if en != h.as_str() {
                *h = en.to_string();
            }
        } else if is_universal(h) {
            let k = header_key(h);
            *h = match k.as_str() {
                "eid" => "EID".into(),
                "doi" => "DOI".into(),
                "pubmedid" => "PubMed ID".into(),
                _ => h.trim().to_string(),
            };
        }
    }
    let sample: Vec<&Vec<String>> = table.rows.iter().take(50).map(|(_, r)| r).collect();
    if sample.is_empty() {
        return;
    }
    let share = |i: usize, pred: ValueTest| {
        let vals: Vec<&str> =
            sample.iter().filter_map(|r| r.get(i)).map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
        !vals.is_empty() && vals.iter().filter(|v| pred(v)).count() * 10 >= vals.len() * 9
    };
    let content: [(&str, ValueTest); 5] = [
        ("EID", |v: &str| v.starts_with("2-s2.0-")),
        ("Year", |v: &str| v.len() == 4 && v.parse::<u16>().is_ok_and(|y| (1800..=2100).contains(&y))),
        ("Link", |v: &str| v.contains("scopus.com/")),
        ("DOI", |v: &str| v.starts_with("10.") && crate::model::norm::is_valid_doi(v)),
        ("References", |v: &str| looks_like_refs(v) && v.matches("; ").count() >= 2),
    ];
    for (name, pred) in content {
        if table.col(name).is_some() {
            continue;
        }
        let unnamed: Vec<usize> = (0..table.header.len())
            .filter(|&i| canonical(&table.header[i]).is_none() && !is_universal(&table.header[i]))
            .filter(|&i| share(i, pred))
            .collect();
        if let [i] = unnamed.as_slice() {
            table.header[*i] = name.to_string();
        }
    }
}

/// Reads a Scopus CSV export.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let mut table = table::read_csv(input, text, b',', &mut parsed.diagnostics);
    parsed.seen = table.rows.len() + table.bad_rows;
    if table.header.is_empty() {
        return parsed;
    }
    localise(&mut table);
    let refs_col = table.col("References");
    let eid_col = table.col("EID");
    for (n, (line, row)) in table.rows.iter().enumerate() {
        let (shift, from) = alignment(&table, row, refs_col, eid_col);
        let get = |name: &str| {
            let i = table.col(name)?;
            let i = if from.is_some_and(|f| i >= f) { i + shift } else { i };
            row.get(i).and_then(|v| cell(v))
        };
        let key = get("EID")
            .map(str::to_string)
            .or_else(|| get("DOI").map(str::to_string))
            .unwrap_or_else(|| format!("row {}", n + 1));
        let at = Provenance::new(input, *line, Some(key.clone()));
        if row.len() != table.header.len() {
            let msg = if shift > 0 && from.is_some() {
                format!(
                    "row has {} fields for {} columns: an unlabelled column before References; later columns realigned",
                    row.len(),
                    table.header.len()
                )
            } else {
                format!("row has {} fields for {} columns: read by position", row.len(), table.header.len())
            };
            parsed.diagnostics.push(Diagnostic::warning(at.clone(), msg));
        }
        let mut r = Record::new(at.clone(), NAME);
        // Authors: "Liu, Fengyuan (60410297700); …" over "Liu F.; Li C." / "Phillips J.C., Braun R.".
        let ids: Vec<&str> = get("Author(s) ID")
            .map(|s| s.split(';').map(str::trim).filter(|t| !t.is_empty()).collect())
            .unwrap_or_default();
        if let Some(full) = get("Author full names") {
            for part in full.split("; ") {
                let (name, id) = match part.rsplit_once(" (") {
                    Some((nm, rest)) if rest.ends_with(')') => {
                        (nm, Some(rest.trim_end_matches(')').to_string()))
                    }
                    _ => (part, None),
                };
                let mut a = Author::person(name);
                a.set_source_id(id);
                if !a.family.is_empty() {
                    r.authors.push(a);
                }
            }
        } else if let Some(names) = get("Authors") {
            let sep = if names.contains(';') { ';' } else { ',' };
            for name in names.split(sep).map(str::trim).filter(|s| !s.is_empty()) {
                if name.eq_ignore_ascii_case("[No author name available]") {
                    continue;
                }
                r.authors.push(Author::person(name));
            }
            if ids.len() == r.authors.len() {
                for (a, id) in r.authors.iter_mut().zip(&ids) {
                    a.set_source_id(Some((*id).to_string()));
                }
            }
        }
        if let Some(with_aff) = get("Authors with affiliations") {
            let entries: Vec<&str> = with_aff.split("; ").collect();
            if entries.len() == r.authors.len() {
                for (a, e) in r.authors.iter_mut().zip(entries) {
                    if let Some(aff) = strip_author_prefix(e, a) {
                        a.affiliations_mut().push(aff);
                    }
                }
            }
        }
        // `Affiliations` lists the record's distinct affiliations; those that no
        // author's "with affiliations" entry contains are the record's own.
        for aff in get("Affiliations").map(|s| s.split("; ").collect::<Vec<_>>()).unwrap_or_default() {
            let aff = aff.trim();
            if !r.authors.iter().any(|a| a.affiliations().iter().any(|x| x.contains(aff))) {
                r.add_affiliation(aff);
            }
        }
        r.title = get("Title").map(squash_ws);
        r.venue = get("Source title").map(str::to_string);
        r.venue_abbrev = get("Abbreviated Source Title").map(str::to_string);
        r.issn = get("ISSN")
            .map(|s| s.split(';').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect())
            .unwrap_or_default();
        r.publisher = get("Publisher").map(str::to_string);
        r.volume = get("Volume").map(str::to_string);
        r.issue = get("Issue").map(str::to_string);
        r.pages = match (get("Page start"), get("Page end"), get("Art. No.")) {
            (Some(b), Some(e), _) => Some(format!("{b}-{e}")),
            (Some(b), None, _) => Some(b.to_string()),
            (None, _, Some(a)) => Some(a.to_string()),
            _ => None,
        };
        r.published = get("Year").and_then(|y| y.parse::<i32>().ok()).map(Date::year);
        r.abstract_text = get("Abstract").map(|a| a.to_string());
        r.keywords = list(get("Author Keywords"));
        r.subjects = list(get("Index Keywords"));
        r.language = get("Language of Original Document").and_then(super::language::language);
        r.doc_type = get("Document Type").and_then(table::doc_type);
        r.times_cited = get("Cited by").and_then(|c| c.parse().ok());
        if let Some(d) = table::checked_id(get("DOI"), Identifier::doi, "DOI", &at, &mut parsed.diagnostics) {
            r.add_id(d);
        }
        if let Some(p) =
            table::checked_id(get("PubMed ID"), Identifier::pmid, "PubMed ID", &at, &mut parsed.diagnostics)
        {
            r.add_id(p);
        }
        if let Some(e) = get("EID") {
            r.add_id(Identifier::Eid(e.to_string()));
        } else if let Some(eid) = get("Link").and_then(eid_from_link) {
            r.add_id(Identifier::Eid(eid));
        }
        if let Some(cellv) = get("References") {
            for entry in refs::split_reference_list(cellv) {
                let cit = refs::parse_free_text(&entry, Provenance::new(input, *line, Some(key.clone())));
                if !cit.raw.is_empty() {
                    r.citations.push(cit);
                }
            }
        }
        r.mark_missing();
        parsed.records.push(r);
    }
    parsed
}

fn list(v: Option<&str>) -> Vec<String> {
    v.map(|s| s.split(';').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// `eid=2-s2.0-105030721984&…` in a Scopus link.
fn eid_from_link(link: &str) -> Option<String> {
    let start = link.find("eid=")? + 4;
    let rest = link.get(start..)?;
    let end = rest.find('&').unwrap_or(rest.len());
    rest.get(..end).filter(|e| e.starts_with("2-s2.0-")).map(str::to_string)
}

/// The affiliation part of an "Authors with affiliations" entry.
fn strip_author_prefix(entry: &str, a: &Author) -> Option<String> {
    use crate::model::norm::family_key;
    let e = entry.trim();
    let rest = if let Some(r) = e.strip_prefix(a.raw.as_str()).filter(|_| !a.raw.is_empty()) {
        r
    } else {
        let mut it = e.splitn(3, ", ");
        let head = it.next()?;
        if family_key(head) == family_key(&a.family) {
            // Older layout "Phillips, J.C., Beckman Institute": skip "Family, Initials,".
            let _initials = it.next()?;
            it.next()?
        } else {
            // Current layout "Liu F., Department ..." beside full names "Liu, Fengyuan":
            // same family name and first initial.
            let short = Author::person(head);
            let initial = |g: &str| g.chars().next().map(|c| c.to_lowercase().to_string());
            if family_key(&short.family).is_empty()
                || family_key(&short.family) != family_key(&a.family)
                || initial(&short.given) != initial(&a.given)
            {
                return None;
            }
            e.get(head.len()..)?
        }
    };
    let aff = rest.trim_start_matches([',', ' ']).trim();
    (!aff.is_empty()).then(|| aff.to_string())
}

fn looks_like_refs(s: &str) -> bool {
    let s = s.trim();
    s.len() > 30 && (s.contains("; ") || s.contains("(19") || s.contains("(20")) && s.contains(", ")
}

/// For a row with more fields than the header: `(shift, first shifted column)`.
///
/// The extra, unlabelled column sits somewhere before `References`; the
/// shift is the offset at which the reference list (or, failing that, the
/// `2-s2.0-` EID) is found.
fn alignment(
    table: &Table,
    row: &[String],
    refs_col: Option<usize>,
    eid_col: Option<usize>,
) -> (usize, Option<usize>) {
    let extra = row.len().saturating_sub(table.header.len());
    if extra == 0 {
        return (0, None);
    }
    if let Some(rc) = refs_col {
        for s in (0..=extra).rev() {
            if s > 0
                && row.get(rc + s).is_some_and(|v| looks_like_refs(v))
                && !row.get(rc).is_some_and(|v| looks_like_refs(v))
            {
                return (s, Some(rc));
            }
        }
        if row.get(rc).is_some_and(|v| looks_like_refs(v)) {
            return (0, None);
        }
    }
    if let Some(ec) = eid_col {
        for s in 1..=extra {
            if row.get(ec + s).is_some_and(|v| v.trim().starts_with("2-s2.0-")) {
                return (s, Some(refs_col.unwrap_or(ec)));
            }
        }
    }
    (0, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZH: &str = "\u{feff}作者,作者 ID,文献标题,年份,来源出版物名称,卷,期,论文编号,起始页码,结束页码,页码计数,施引文献,DOI,链接,摘要,作者关键字,索引关键字,参考文献,文献类型,出版阶段,开放获取,来源出版物,EID\n\
\"Zhang T., Li M.\",\"57190000001;57190000002\",\"Soil moisture sensing\",2015,\"Transactions of the CSAM\",\"46\",\"3\",,\"1\",\"9\",9,3,10.6041/j.issn.1000-1298.2015.03.001,https://www.scopus.com/inward/record.uri?eid=2-s2.0-84900000001&partnerID=40,\"Abstract.\",\"soil; sensing\",,\"Smith J., Moisture, Soil Sci, 12, pp. 1-5, (2010); Brown K., Sensors, Sens Rev, 3, pp. 9-12, (2012)\",Article,Final,,Scopus,2-s2.0-84900000001\n";

    #[test]
    fn chinese_headers() {
        assert!(sniff(ZH));
        assert_eq!(crate::ingest::detect(ZH), Some(crate::ingest::Format::ScopusCsv));
        let p = parse("zh.csv", ZH);
        assert_eq!(p.records.len(), 1);
        let r = &p.records[0];
        assert_eq!(r.title.as_deref(), Some("Soil moisture sensing"));
        assert_eq!(r.venue.as_deref(), Some("Transactions of the CSAM"));
        assert_eq!(r.published.map(|d| d.year), Some(2015));
        assert_eq!(r.citations.len(), 2);
        assert_eq!(r.authors.len(), 2);
        assert!(r.ids.contains(&Identifier::Eid("2-s2.0-84900000001".into())));
    }

    #[test]
    fn unknown_language_found_by_content() {
        // Header names in no known language: EID, link, DOI and references are
        // told by their values.
        let text = "a,b,c,d,e,f,g,h,i,j,k\n\
x,y,2019,z,1,2,10.1000/abc,https://www.scopus.com/inward/record.uri?eid=2-s2.0-1,\"Smith J., T, S, 1, pp. 1-2, (2010); Doe A., U, V, 2, pp. 3-4, (2011); Roe B., W, X, 3, pp. 5-6, (2012)\",Article,2-s2.0-1\n";
        let mut t = table::read_csv("t", text, b',', &mut Vec::new());
        localise(&mut t);
        assert_eq!(t.col("EID"), Some(10));
        assert_eq!(t.col("DOI"), Some(6));
        assert_eq!(t.col("References"), Some(8));
        assert_eq!(t.col("Link"), Some(7));
        assert_eq!(t.col("Year"), Some(2));
    }
}
