//! Web of Science "Tab-delimited" exports (Win/Mac, UTF-8 or UTF-16LE).
//!
//! The first line holds the field tags (`PT AU BA … UT`), one record per line
//! after it. WoS does not quote fields, so the line is split on every tab;
//! data rows usually carry one trailing tab more than the header (60 fields
//! for 59 tags), which is accepted silently when the extra fields are empty.
//! Multi-valued fields (`AU`, `AF`, `CR`, `C1`) are `; `-joined. Records are
//! built by the plain-text reader's builder, so both WoS forms give the same
//! [`Record`](crate::model::Record)s.

use super::table::header_key;
use super::wos::{build_record, Fields};
use crate::model::{Diagnostic, Parsed, Provenance};

/// Format name used in `source_kind`.
pub const NAME: &str = "wos-tab";

/// WoS field tags with the column names WoS gives them in its spreadsheet
/// exports (Excel, saved as CSV or tab-delimited text), in English and in
/// the Chinese, Japanese, Korean, Spanish, Portuguese, German and French
/// interfaces. Compared through [`header_key`].
const NAMES: &[(&str, &[&str])] = &[
    (
        "PT",
        &[
            "Publication Type",
            "出版物类型",
            "出版物類型",
            "出版物タイプ",
            "출판물 유형",
            "Tipo de publicación",
            "Tipo de publicação",
            "Publikationstyp",
            "Type de publication",
        ],
    ),
    ("AU", &["Authors", "作者", "著者", "저자", "Autores", "Autoren", "Auteurs"]),
    (
        "AF",
        &[
            "Author Full Names",
            "作者全名",
            "著者フルネーム",
            "저자 전체 이름",
            "Nombres completos de autores",
            "Nomes completos dos autores",
            "Vollständige Autorennamen",
            "Noms complets des auteurs",
        ],
    ),
    ("BA", &["Book Authors", "书籍作者", "書籍作者"]),
    ("BE", &["Book Editors", "书籍编辑"]),
    ("GP", &["Group Authors", "Book Group Authors", "团体作者", "書籍团体作者"]),
    (
        "TI",
        &[
            "Article Title",
            "Document Title",
            "文献标题",
            "文獻標題",
            "論文タイトル",
            "문헌 제목",
            "Título del artículo",
            "Título do artigo",
            "Titel des Artikels",
            "Artikeltitel",
            "Titre de l'article",
        ],
    ),
    (
        "SO",
        &[
            "Source Title",
            "来源出版物名称",
            "來源出版物名稱",
            "出典タイトル",
            "출처 제목",
            "Título de la fuente",
            "Título da fonte",
            "Quellentitel",
            "Titre de la source",
        ],
    ),
    ("SE", &["Book Series Title", "丛书标题"]),
    ("LA", &["Language", "语种", "语言", "言語", "언어", "Idioma", "Sprache", "Langue"]),
    (
        "DT",
        &[
            "Document Type",
            "文献类型",
            "文獻類型",
            "ドキュメントタイプ",
            "문서 유형",
            "Tipo de documento",
            "Dokumenttyp",
            "Type de document",
        ],
    ),
    (
        "DE",
        &[
            "Author Keywords",
            "作者关键词",
            "著者キーワード",
            "저자 키워드",
            "Palabras clave del autor",
            "Palavras-chave do autor",
            "Autorenschlüsselwörter",
            "Mots-clés de l'auteur",
        ],
    ),
    ("ID", &["Keywords Plus", "Keywords Plus®", "扩展关键词", "KeyWords Plus"]),
    ("AB", &["Abstract", "摘要", "抄録", "초록", "Resumen", "Resumo", "Zusammenfassung", "Résumé"]),
    ("C1", &["Addresses", "地址", "所在地", "주소", "Direcciones", "Endereços", "Adressen", "Adresses"]),
    ("RP", &["Reprint Addresses", "通讯作者地址", "別刷請求先住所"]),
    ("EM", &["Email Addresses", "电子邮件地址"]),
    ("RI", &["Researcher Ids", "ResearcherID"]),
    ("OI", &["ORCIDs", "ORCID"]),
    (
        "CR",
        &[
            "Cited References",
            "引用的参考文献",
            "引用的參考文獻",
            "引用文献",
            "인용 참고 문헌",
            "Referencias citadas",
            "Referências citadas",
            "Zitierte Literatur",
            "Références citées",
        ],
    ),
    ("NR", &["Cited Reference Count", "引用的参考文献数", "引用文献数", "Número de referencias citadas"]),
    (
        "TC",
        &[
            "Times Cited, WoS Core",
            "Times Cited, WoS Core Collection",
            "Web of Science 核心合集的被引频次",
            "被引频次",
            "被引用数",
        ],
    ),
    ("Z9", &["Times Cited, All Databases", "被引频次合计"]),
    ("PU", &["Publisher", "出版商", "出版社", "Editorial", "Editora", "Verlag", "Éditeur"]),
    ("SN", &["ISSN"]),
    ("EI", &["eISSN"]),
    ("BN", &["ISBN"]),
    ("J9", &["Journal Abbreviation", "29-Character Source Abbreviation", "期刊缩写"]),
    ("JI", &["Journal ISO Abbreviation", "ISO Source Abbreviation", "ISO 来源出版物缩写"]),
    ("PD", &["Publication Date", "出版日期", "出版年月"]),
    (
        "PY",
        &[
            "Publication Year",
            "出版年",
            "出版年份",
            "発行年",
            "출판 연도",
            "Año de publicación",
            "Ano de publicação",
            "Erscheinungsjahr",
            "Année de publication",
        ],
    ),
    ("VL", &["Volume", "卷", "巻", "권", "Volumen", "Band"]),
    ("IS", &["Issue", "期", "号", "호", "Número", "Edição", "Heft", "Numéro"]),
    (
        "BP",
        &[
            "Start Page",
            "Beginning Page",
            "起始页",
            "開始ページ",
            "시작 페이지",
            "Página inicial",
            "Anfangsseite",
            "Page de début",
        ],
    ),
    (
        "EP",
        &[
            "End Page",
            "Ending Page",
            "结束页",
            "終了ページ",
            "끝 페이지",
            "Página final",
            "Endseite",
            "Page de fin",
        ],
    ),
    (
        "AR",
        &[
            "Article Number",
            "文献号",
            "論文番号",
            "Número de artículo",
            "Número do artigo",
            "Artikelnummer",
            "Numéro d'article",
        ],
    ),
    ("DI", &["DOI"]),
    ("EA", &["Early Access Date", "在线发表日期", "早期访问日期"]),
    ("WC", &["WoS Categories", "Web of Science Categories", "Web of Science 类别"]),
    ("SC", &["Research Areas", "研究方向"]),
    ("PM", &["Pubmed Id", "PubMed ID"]),
    (
        "UT",
        &[
            "UT (Unique WOS ID)",
            "UT (Unique ID)",
            "Accession Number",
            "入藏号",
            "入藏號",
            "アクセッション番号",
            "UT (ID exclusivo de WOS)",
            "UT (ID único do WOS)",
        ],
    ),
];

/// The WoS tag for a header cell: a tag itself (`TI`) or a column name in
/// any of the languages of [`NAMES`].
fn tag_of(h: &str) -> Option<&'static str> {
    let t = h.trim().trim_start_matches('\u{feff}').trim_matches('"');
    if let Some((tag, _)) = NAMES.iter().find(|(tag, _)| *tag == t) {
        return Some(tag);
    }
    let k = header_key(t);
    if k.is_empty() {
        return None;
    }
    NAME_KEYS.get(&k).copied()
}

/// [`NAMES`] by [`header_key`], built once.
static NAME_KEYS: std::sync::LazyLock<std::collections::HashMap<String, &'static str>> =
    std::sync::LazyLock::new(|| super::table::header_index(NAMES, false));

/// The delimiter of a spreadsheet-style WoS header line (tab or comma) when
/// its cells name WoS fields: an accession-number column (by name) and a
/// title, source or cited-references column, eight known columns at least,
/// and no Scopus `EID`.
///
/// By content as well: when the rows hold WoS accession numbers
/// (`WOS:000…`), four known columns besides are enough.
fn named_header(text: &str) -> Option<u8> {
    let first = text.lines().next().unwrap_or("");
    let mut end = text.len().min(65_536);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text.get(..end).unwrap_or("");
    for delim in [b'\t', b','] {
        let cells = super::table::split_header(first, delim as char);
        let tags: Vec<&str> = cells.iter().filter_map(|c| tag_of(c)).collect();
        let has = |t: &str| tags.contains(&t);
        let eid = cells.iter().any(|c| header_key(c) == "eid");
        let accession = head.contains(&format!("{}WOS:", delim as char)) || head.contains("\nWOS:");
        let known = (tags.len() >= 8 && has("UT")) || (tags.len() >= 4 && accession);
        if !eid && known && (has("TI") || has("CR") || has("SO")) {
            return Some(delim);
        }
    }
    None
}

/// The column whose values are WoS accession numbers, when no header names it.
fn accession_column(table: &super::table::Table) -> Option<usize> {
    let n = table.header.len();
    (0..n).find(|&i| {
        let vals: Vec<&str> = table
            .rows
            .iter()
            .take(20)
            .filter_map(|(_, r)| r.get(i))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        !vals.is_empty() && vals.iter().all(|v| v.starts_with("WOS:"))
    })
}

/// True when the first line is a WoS tab-delimited header (tags), or the
/// header of a WoS spreadsheet export with full column names in any of the
/// interface languages.
pub fn sniff(text: &str) -> bool {
    let head = text.trim_start_matches('\u{feff}');
    let first = head.lines().next().unwrap_or("");
    let tags: Vec<&str> = first.trim_end_matches('\r').split('\t').collect();
    (tags.first() == Some(&"PT") && tags.contains(&"UT") && tags.contains(&"TI") && tags.contains(&"AU"))
        || named_header(head).is_some()
}

/// Reads a WoS spreadsheet export with named columns (CSV or quoted tab).
fn parse_named(input: &str, text: &str, delim: u8) -> Parsed {
    let mut parsed = Parsed::default();
    let table = super::table::read_csv(input, text, delim, &mut parsed.diagnostics);
    parsed.seen = table.rows.len() + table.bad_rows;
    let mut tags: Vec<Option<&str>> = table.header.iter().map(|h| tag_of(h)).collect();
    if !tags.contains(&Some("UT")) {
        if let Some(i) = accession_column(&table) {
            tags[i] = Some("UT");
        }
    }
    let unknown: Vec<&str> = table
        .header
        .iter()
        .zip(&tags)
        .filter(|(h, t)| t.is_none() && !h.is_empty())
        .map(|(h, _)| h.as_str())
        .collect();
    if !unknown.is_empty() {
        parsed.diagnostics.push(Diagnostic::info(
            Provenance::new(input, 1, None),
            format!("columns not read: {}", unknown.join(", ")),
        ));
    }
    for (n, (line, row)) in table.rows.iter().enumerate() {
        let mut fields = Fields::new();
        for (cell, tag) in row.iter().zip(&tags) {
            let (Some(tag), value) = (tag, cell.trim()) else { continue };
            if value.is_empty() {
                continue;
            }
            let vals = split_cell(tag, value).into_iter().map(|v| (*line, v));
            fields.entry((*tag).to_string()).or_default().extend(vals);
        }
        if row.len() != table.header.len() {
            let key = super::wos::record_key(&fields, n as u64);
            parsed.diagnostics.push(Diagnostic::warning(
                Provenance::new(input, *line, Some(key)),
                format!("row has {} fields for {} columns: read by position", row.len(), table.header.len()),
            ));
        }
        let rec = build_record(input, *line, &fields, n as u64 + 1, NAME, &mut parsed.diagnostics);
        parsed.records.push(rec);
    }
    parsed
}

/// Reads a whole tab-delimited export.
pub fn parse(input: &str, text: &str) -> Parsed {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    if !first.starts_with("PT\t") {
        if let Some(delim) = named_header(text) {
            return parse_named(input, text, delim);
        }
    }
    let mut parsed = Parsed::default();
    let mut lines = text.split('\n').enumerate();
    let header: Vec<String> = match lines.next() {
        Some((_, h)) => h.trim_end_matches('\r').split('\t').map(|t| t.trim().to_string()).collect(),
        None => return parsed,
    };
    if header.iter().all(|h| h.is_empty()) {
        parsed.diagnostics.push(Diagnostic::error(Provenance::new(input, 1, None), "empty header line"));
        return parsed;
    }
    let mut n: u64 = 0;
    for (idx, raw) in lines {
        let line_no = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let mut fields = Fields::new();
        for (i, tag) in header.iter().enumerate() {
            let Some(value) = cells.get(i).map(|c| c.trim()).filter(|c| !c.is_empty()) else { continue };
            if tag.is_empty() {
                continue;
            }
            let vals: Vec<(u32, String)> = split_cell(tag, value).into_iter().map(|v| (line_no, v)).collect();
            fields.entry(tag.clone()).or_default().extend(vals);
        }
        n += 1;
        parsed.seen += 1;
        let key = super::wos::record_key(&fields, n - 1);
        let extra = cells.get(header.len()..).unwrap_or(&[]);
        if extra.iter().any(|c| !c.trim().is_empty()) {
            parsed.diagnostics.push(Diagnostic::warning(
                Provenance::new(input, line_no, Some(key.clone())),
                format!(
                    "row has {} fields for {} header tags: extra fields ignored",
                    cells.len(),
                    header.len()
                ),
            ));
        } else if cells.len() < header.len() {
            parsed.diagnostics.push(Diagnostic::warning(
                Provenance::new(input, line_no, Some(key)),
                format!(
                    "row has {} fields for {} header tags: missing fields left empty",
                    cells.len(),
                    header.len()
                ),
            ));
        }
        let rec = build_record(input, line_no, &fields, n, NAME, &mut parsed.diagnostics);
        parsed.records.push(rec);
    }
    parsed
}

/// Splits a multi-valued cell into its values.
fn split_cell(tag: &str, value: &str) -> Vec<String> {
    match tag {
        "AU" | "AF" | "BA" | "BF" | "CR" | "EM" | "CA" => {
            value.split("; ").map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
        }
        "C1" => {
            // "[A; B] Addr 1; [C] Addr 2" or "Addr 1; Addr 2": split on each
            // "; " outside the brackets.
            let mut out = Vec::new();
            let mut cur = String::new();
            for part in value.split("; ") {
                if !cur.is_empty() && !open_bracket(&cur) {
                    out.push(std::mem::take(&mut cur));
                }
                if !cur.is_empty() {
                    cur.push_str("; ");
                }
                cur.push_str(part);
            }
            if !cur.is_empty() {
                out.push(cur);
            }
            out
        }
        _ => vec![value.to_string()],
    }
}

fn open_bracket(s: &str) -> bool {
    s.matches('[').count() > s.matches(']').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_headers_in_english_and_chinese() {
        let en = "Publication Type,Authors,Author Full Names,Article Title,Source Title,Language,Document Type,Cited References,Cited Reference Count,Publication Year,Volume,Start Page,DOI,UT (Unique WOS ID)\n\
J,\"Li, X; Roe, B\",\"Li, Xia; Roe, Bo\",Soil moisture sensing,J SOIL SCI,English,Article,\"Smith J, 2001, J X, V1, P2; [张铁民 Zhang Tiemin], 2015, [农业机械学报, Trans CSAM], V46, P1\",2,2020,12,100,10.1/abc,WOS:000123456700001\n";
        let zh = "出版物类型\t作者\t文献标题\t来源出版物名称\t文献类型\t引用的参考文献\t出版年\t卷\tDOI\t入藏号\n\
J\tLi, X; Roe, B\t土壤水分传感\t农业机械学报\t Article\tSmith J, 2001, J X, V1, P2\t2020\t12\t10.1/abc\tWOS:000123456700001\n";
        for text in [en, zh] {
            assert!(sniff(text), "{text}");
            assert_eq!(crate::ingest::detect(text), Some(crate::ingest::Format::WosTab));
            let p = parse("t", text);
            assert_eq!(p.records.len(), 1);
            let r = &p.records[0];
            assert!(r.title.is_some());
            assert_eq!(r.authors.len(), 2);
            assert_eq!(r.published.map(|d| d.year), Some(2020));
            assert!(!r.citations.is_empty());
            assert!(
                r.ids.contains(&crate::model::Identifier::Wos("WOS:000123456700001".into())),
                "{:?}",
                r.ids
            );
        }
    }

    #[test]
    fn accession_column_found_by_content() {
        // The accession-number column's name is in no known language.
        let text = "Tipo,Authors,Article Title,Source Title,DOI,Numero di accesso\n\
J,\"Li, X; Roe, B\",Soil moisture,J SOIL SCI,10.1/abc,WOS:000123456700001\n";
        assert!(sniff(text));
        let p = parse("t", text);
        assert_eq!(p.records.len(), 1);
        assert!(p.records[0].ids.contains(&crate::model::Identifier::Wos("WOS:000123456700001".into())));
        assert!(p.diagnostics.iter().any(|d| d.message.starts_with("columns not read")));
    }
}
