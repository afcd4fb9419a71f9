//! Reading a source file into sheets of cells: CSV (delimiter sniffed or
//! given, UTF-8 with or without a byte-order mark), XLSX and ODS (calamine).
//!
//! Sizes are bounded: the file is read up to the input size limit, and a
//! sheet with more rows than [`MAX_ROWS`] is refused as soon as its reader
//! gets there, so neither a huge file nor a sheet that claims a million
//! rows can exhaust memory.

use std::io::Cursor;

use calamine::Reader as _;

use super::values::Cell;

/// At most this many rows are read from one sheet.
pub const MAX_ROWS: usize = 100_000;
/// At most this many columns are read; cells further right are ignored.
pub const MAX_COLUMNS: usize = 200;

/// One sheet: its name (none for CSV) and rows of cells, row 0 being the
/// sheet's first row (spreadsheet row 1).
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    pub name: Option<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A problem with the whole file or sheet (not one cell).
#[derive(Clone, Debug, PartialEq)]
pub struct FileProblem {
    pub sheet: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

impl FileProblem {
    pub fn new(message: impl Into<String>) -> FileProblem {
        FileProblem {
            sheet: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> FileProblem {
        self.help = Some(help.into());
        self
    }

    pub fn in_sheet(mut self, sheet: &str) -> FileProblem {
        self.sheet = Some(sheet.to_string());
        self
    }
}

fn too_many_rows(sheet: Option<&str>) -> FileProblem {
    let p = FileProblem::new(format!(
        "the sheet has more than {MAX_ROWS} rows; stackaudit imports at most {MAX_ROWS} tools from one sheet"
    ))
    .help("delete the empty or unrelated rows (a spreadsheet that was filled down to its last row), or split the list");
    match sheet {
        Some(s) => p.in_sheet(s),
        None => p,
    }
}

/// Text encodings and binary data that are not a CSV file.
fn decode_csv(mut bytes: Vec<u8>) -> Result<String, FileProblem> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(FileProblem::new("the file is UTF-16 text")
            .help("save it as \"CSV UTF-8\" (Excel) or UTF-8 text"));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(
            FileProblem::new("the file is a spreadsheet workbook, not CSV text")
                .help("name it .xlsx or .ods, or pass --from xlsx / --from ods"),
        );
    }
    if let Some(offset) = bytes.iter().position(|b| *b == 0) {
        return Err(FileProblem::new(format!(
            "the file contains a NUL byte at offset {offset}; it is binary data, not CSV text"
        ))
        .help("export the spreadsheet as CSV (UTF-8), or import the .xlsx/.ods file itself"));
    }
    String::from_utf8(bytes).map_err(|e| {
        FileProblem::new(format!(
            "the file is not UTF-8 text (byte {} is not)",
            e.utf8_error().valid_up_to()
        ))
        .help("save it as \"CSV UTF-8\" (Excel: File → Save As → CSV UTF-8)")
    })
}

/// The delimiter that splits the first lines most consistently, among
/// `,` `;` tab and `|`.
pub fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        // Count fields per line outside quotes; the delimiter whose most
        // common field count is highest, over most lines, wins.
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| {
                let mut quoted = false;
                l.bytes()
                    .filter(|b| {
                        if *b == b'"' {
                            quoted = !quoted;
                        }
                        !quoted && *b == d
                    })
                    .count()
            })
            .collect();
        let max = counts.iter().copied().max().unwrap_or(0);
        let agreeing = counts.iter().filter(|c| **c == max && max > 0).count();
        let score = agreeing * max;
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

pub fn read_csv(bytes: Vec<u8>, delimiter: Option<u8>) -> Result<Sheet, FileProblem> {
    let text = decode_csv(bytes)?;
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&text));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            FileProblem::new(format!("line {line}: cannot read the CSV record: {e}"))
        })?;
        if rows.len() >= MAX_ROWS {
            return Err(too_many_rows(None));
        }
        rows.push(
            record
                .iter()
                .take(MAX_COLUMNS)
                .map(|f| {
                    if f.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(f.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(Sheet { name: None, rows })
}

fn put(rows: &mut Vec<Vec<Cell>>, (row, col): (u32, u32), cell: Cell) -> Result<(), ()> {
    let (row, col) = (row as usize, col as usize);
    if col >= MAX_COLUMNS {
        return Ok(());
    }
    if row >= MAX_ROWS {
        return Err(());
    }
    if matches!(cell, Cell::Empty) {
        return Ok(());
    }
    if rows.len() <= row {
        rows.resize_with(row + 1, Vec::new);
    }
    let r = &mut rows[row];
    if r.len() <= col {
        r.resize(col + 1, Cell::Empty);
    }
    r[col] = cell;
    Ok(())
}

fn excel_date(value: f64) -> Cell {
    match super::values::excel_serial(value) {
        Some(d) => Cell::Date(d),
        None => Cell::Number(value),
    }
}

fn from_data_ref(value: &calamine::DataRef<'_>) -> Cell {
    use calamine::DataRef as D;
    match value {
        D::Int(i) => Cell::Number(*i as f64),
        D::Float(f) => Cell::Number(*f),
        D::String(s) => Cell::Text(s.clone()),
        D::SharedString(s) => Cell::Text((*s).to_string()),
        D::Bool(b) => Cell::Bool(*b),
        D::DateTime(dt) if dt.is_datetime() => excel_date(dt.as_f64()),
        D::DateTime(dt) => Cell::Number(dt.as_f64()),
        D::DateTimeIso(s) | D::DurationIso(s) => Cell::Text(s.clone()),
        D::Error(e) => Cell::Broken(format!("{e}")),
        D::Empty => Cell::Empty,
    }
}

fn from_data(value: &calamine::Data) -> Cell {
    use calamine::Data as D;
    match value {
        D::Int(i) => Cell::Number(*i as f64),
        D::Float(f) => Cell::Number(*f),
        D::String(s) => Cell::Text(s.clone()),
        D::Bool(b) => Cell::Bool(*b),
        D::DateTime(dt) if dt.is_datetime() => excel_date(dt.as_f64()),
        D::DateTime(dt) => Cell::Number(dt.as_f64()),
        // ODS dates are ISO text: "2026-12-31" or "2026-12-31T00:00:00".
        D::DateTimeIso(s) => match s.get(..10).and_then(|d| d.parse().ok()) {
            Some(d) => Cell::Date(d),
            None => Cell::Text(s.clone()),
        },
        D::DurationIso(s) => Cell::Text(s.clone()),
        D::Error(e) => Cell::Broken(format!("{e}")),
        D::Empty => Cell::Empty,
    }
}

/// Excel's own message for an encrypted workbook is a zip error; this is
/// what it means.
/// The most a workbook's parts may hold once unpacked. The readers keep
/// whole parts (the shared strings of an XLSX, an ODS's content) in memory,
/// and a zip archive of a few megabytes can unpack to gigabytes.
const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;

/// Unpacks every part once, counting what comes out rather than trusting
/// the sizes the archive declares, and refuses past `limit` bytes
/// ([`MAX_UNPACKED_BYTES`]). Archives this cannot read are left to calamine,
/// which says what is wrong with them.
fn check_unpacked_size(bytes: &[u8], kind: &str, limit: u64) -> Result<(), FileProblem> {
    use std::io::Read as _;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            return Ok(());
        };
        let left = limit - total;
        let Ok(n) = std::io::copy(&mut part.take(left + 1), &mut std::io::sink()) else {
            return Ok(());
        };
        total += n;
        if total > limit {
            return Err(FileProblem::new(format!(
                "the {kind} unpacks to more than {} MiB; stackaudit reads workbooks up to that size",
                limit / (1024 * 1024)
            ))
            .help("save the tool list alone in a new workbook, or export CSV and import that"));
        }
    }
    Ok(())
}

/// The most cells one ODS sheet may span (rows × columns up to its last
/// filled cell). calamine lays a sheet out as a dense grid, expanding
/// repeated rows and cells first: a 2 KB file that repeats one filled cell
/// over 6,000 rows and 16,000 columns took 6 GB before this check.
const MAX_ODS_CELLS: u64 = 5_000_000;

/// Refuses an ODS file whose sheets would expand past [`MAX_ODS_CELLS`],
/// reading only its `content.xml` as a stream. Files this cannot read are
/// left to calamine, which says what is wrong with them.
fn check_ods_grid(bytes: &[u8]) -> Result<(), FileProblem> {
    use quick_xml::events::{BytesStart, Event};
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let repeat = |e: &BytesStart, key: &str| -> u64 {
        e.try_get_attribute(key)
            .ok()
            .flatten()
            .and_then(|a| a.value.trim().parse().ok())
            .unwrap_or(1)
    };
    let (mut sheet, mut row, mut rows_repeated, mut col) = (String::new(), 0u64, 1u64, 0u64);
    let (mut last_row, mut last_col) = (0u64, 0u64);
    let mut buf = Vec::new();
    loop {
        let (e, has_children) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e, true),
            Ok(Event::Empty(e)) => (e, false),
            Ok(Event::End(e)) => {
                if e.name().as_ref() == "table:table-row" {
                    row = row.saturating_add(rows_repeated);
                }
                buf.clear();
                continue;
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {
                buf.clear();
                continue;
            }
        };
        match e.name().as_ref() {
            "table:table" => {
                sheet = e
                    .try_get_attribute("table:name")
                    .ok()
                    .flatten()
                    .map(|a| a.value.into_owned())
                    .unwrap_or_default();
                (row, last_row, last_col) = (0, 0, 0);
            }
            "table:table-row" => {
                rows_repeated = repeat(&e, "table:number-rows-repeated");
                col = 0;
                if !has_children {
                    row = row.saturating_add(rows_repeated);
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                col = col.saturating_add(repeat(&e, "table:number-columns-repeated"));
                let filled =
                    has_children || matches!(e.try_get_attribute("office:value-type"), Ok(Some(_)));
                if filled {
                    last_col = last_col.max(col);
                    last_row = last_row.max(row.saturating_add(rows_repeated));
                    if last_row.saturating_mul(last_col) > MAX_ODS_CELLS {
                        return Err(FileProblem::new(format!(
                            "the sheet fills cells out to row {last_row} and column {last_col}, more than the {MAX_ODS_CELLS} cells stackaudit reads from one ODS sheet"
                        ))
                        .help("delete the rows or columns filled down or across past the list (one cell repeated to the sheet's edge), or export CSV and import that")
                        .in_sheet(&sheet));
                    }
                }
            }
            _ => {}
        }
        buf.clear();
    }
}

fn password_protected() -> FileProblem {
    FileProblem::new("the workbook is password-protected (encrypted)")
        .help("open it in the spreadsheet program, remove the password (File → Info → Protect Workbook → Encrypt with Password → clear it) and save a copy")
}

/// The sheets of a workbook that are visible, or the one `--sheet` names.
fn chosen_sheets(
    metadata: &[calamine::Sheet],
    wanted: Option<&str>,
) -> Result<Vec<String>, FileProblem> {
    match wanted {
        Some(name) => {
            let found = metadata
                .iter()
                .find(|s| s.name == name || s.name.trim().eq_ignore_ascii_case(name.trim()));
            match found {
                Some(s) => Ok(vec![s.name.clone()]),
                None => Err(
                    FileProblem::new(format!("the workbook has no sheet \"{name}\"")).help(
                        format!(
                            "its sheets are: {}",
                            metadata
                                .iter()
                                .map(|s| format!("\"{}\"", s.name))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ),
                ),
            }
        }
        None => Ok(metadata
            .iter()
            .filter(|s| s.visible == calamine::SheetVisible::Visible)
            .filter(|s| s.typ == calamine::SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .collect()),
    }
}

pub fn read_xlsx(bytes: Vec<u8>, wanted: Option<&str>) -> Result<Vec<Sheet>, FileProblem> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(password_protected());
    }
    if !bytes.starts_with(b"PK") {
        return Err(
            FileProblem::new("the file is not an XLSX workbook (no zip archive)").help(
                "save it from the spreadsheet program as .xlsx, or export CSV and import that",
            ),
        );
    }
    check_unpacked_size(&bytes, "XLSX workbook", MAX_UNPACKED_BYTES)?;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        FileProblem::new(format!("cannot read the XLSX workbook: {e}"))
            .help("open and save it again in a spreadsheet program, or export CSV")
    })?;
    let names = chosen_sheets(book.sheets_metadata(), wanted)?;
    let mut sheets = Vec::new();
    for name in names {
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let mut reader = book
            .worksheet_cells_reader(&name)
            .map_err(|e| FileProblem::new(format!("cannot read the sheet: {e}")).in_sheet(&name))?;
        loop {
            let next = reader.next_cell_with_formula().map_err(|e| {
                FileProblem::new(format!("cannot read the sheet: {e}")).in_sheet(&name)
            })?;
            let Some(cell) = next else { break };
            let mut value = from_data_ref(&cell.value);
            if let Some(f) = &cell.formula
                && matches!(value, Cell::Empty)
            {
                value = Cell::Broken(format!("={f}"));
            }
            if put(&mut rows, cell.pos, value).is_err() {
                return Err(too_many_rows(Some(&name)));
            }
        }
        sheets.push(Sheet {
            name: Some(name),
            rows,
        });
    }
    Ok(sheets)
}

pub fn read_ods(bytes: Vec<u8>, wanted: Option<&str>) -> Result<Vec<Sheet>, FileProblem> {
    if !bytes.starts_with(b"PK") {
        return Err(
            FileProblem::new("the file is not an ODS spreadsheet (no zip archive)").help(
                "save it from the spreadsheet program as .ods, or export CSV and import that",
            ),
        );
    }
    check_unpacked_size(&bytes, "ODS spreadsheet", MAX_UNPACKED_BYTES)?;
    check_ods_grid(&bytes)?;
    let mut book: calamine::Ods<_> =
        calamine::Ods::new(Cursor::new(bytes)).map_err(|e| match e {
            calamine::OdsError::Password => password_protected(),
            e => FileProblem::new(format!("cannot read the ODS spreadsheet: {e}"))
                .help("open and save it again in a spreadsheet program, or export CSV"),
        })?;
    let names = chosen_sheets(book.sheets_metadata(), wanted)?;
    let mut sheets = Vec::new();
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| FileProblem::new(format!("cannot read the sheet: {e}")).in_sheet(&name))?;
        let formulas = book.worksheet_formula(&name).ok();
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        if range.height() > MAX_ROWS {
            return Err(too_many_rows(Some(&name)));
        }
        for (r, c, value) in range.used_cells() {
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let pos = (r0 + r as u32, c0 + c as u32);
            let mut cell = from_data(value);
            if let Some(f) = formulas.as_ref().and_then(|f| f.get_value(pos))
                && !f.is_empty()
                && matches!(cell, Cell::Empty)
            {
                cell = Cell::Broken(format!("={f}"));
            }
            if put(&mut rows, pos, cell).is_err() {
                return Err(too_many_rows(Some(&name)));
            }
        }
        sheets.push(Sheet {
            name: Some(name),
            rows,
        });
    }
    Ok(sheets)
}

/// Column letters of a zero-based index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write as _;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            zip.start_file(*name, deflated).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_that_unpacks_past_the_limit_is_refused_by_what_it_unpacks_to() {
        const MIB: u64 = 1024 * 1024;
        let spaces = vec![b' '; 3 * MIB as usize];
        let bomb = zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/sharedStrings.xml", &spaces),
        ]);
        assert!(bomb.len() < 64 * 1024, "a small file: {} bytes", bomb.len());
        let err = check_unpacked_size(&bomb, "XLSX workbook", 2 * MIB).unwrap_err();
        assert!(
            err.message
                .contains("the XLSX workbook unpacks to more than 2 MiB"),
            "{err:?}"
        );
        // At the limit exactly, and below it, the workbook is read.
        assert!(check_unpacked_size(&bomb, "XLSX workbook", 3 * MIB + 8).is_ok());
        assert!(check_unpacked_size(&bomb, "XLSX workbook", 4 * MIB).is_ok());
        assert!(check_unpacked_size(&bomb, "XLSX workbook", 3 * MIB + 7).is_err());
    }

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
        // Commas inside quoted cells do not count.
        assert_eq!(
            sniff_delimiter("Tool;Cost\n\"HubSpot\";\"12,000\"\n\"Gong\";\"9,000\"\n"),
            b';'
        );
    }

    #[test]
    fn csv_with_a_byte_order_mark_and_semicolons() {
        let sheet = read_csv(b"\xEF\xBB\xBFTool;Owner\nHubSpot;ops\n".to_vec(), None).unwrap();
        assert_eq!(sheet.rows[0][0], Cell::Text("Tool".into()));
        assert_eq!(sheet.rows[1][1], Cell::Text("ops".into()));
    }

    #[test]
    fn binary_data_is_not_csv() {
        let err = read_csv(vec![0x89, b'P', b'N', b'G', 0, 0, 1], None).unwrap_err();
        assert!(err.message.contains("NUL byte"), "{err:?}");
        assert!(read_csv(vec![b'a', 0xff, 0xfe, b'b'], None).is_err());
    }

    proptest::proptest! {
        /// Any bytes: an error or sheets, never a panic.
        #[test]
        fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let _ = read_csv(bytes.clone(), None);
            let mut zip = b"PK\x03\x04".to_vec();
            zip.extend_from_slice(&bytes);
            let _ = read_xlsx(zip.clone(), None);
            let _ = read_ods(zip, None);
        }
    }

    #[test]
    fn a_truncated_workbook_is_an_error() {
        let full = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/import/tracker.xlsx"
        ))
        .unwrap();
        for cut in [10, full.len() / 3, full.len() / 2, full.len() - 10] {
            assert!(
                read_xlsx(full[..cut].to_vec(), None).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn column_letters_run_past_z() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
