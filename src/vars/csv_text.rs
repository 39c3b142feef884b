//! A CSV reader that remembers which fields were quoted and on which line each record
//! starts: Newman casts only *unquoted* numbers (`"42"` stays a string), and errors must name
//! a line, and the `csv` crate reports neither.
//!
//! Dialect (Newman's csv-parse options `trim`, `relax`, `bom`): comma separator, `"` quotes
//! with `""` as an escaped quote, CRLF/LF/CR line ends, whitespace around fields ignored
//! (inside quotes kept), a quote inside an unquoted field is literal, blank lines skipped.

#[derive(Debug, PartialEq)]
pub(crate) struct Field {
    pub text: String,
    pub quoted: bool,
}

#[derive(Debug, PartialEq)]
pub(crate) struct Record {
    pub fields: Vec<Field>,
    /// The file line (from 1) where the record starts.
    pub line: usize,
}

/// A quoted field that never closes; `line` is where its quote opened, `record` the index
/// of its record (0 is the header row).
#[derive(Debug, PartialEq)]
pub(crate) struct UnclosedQuote {
    pub line: usize,
    pub record: usize,
}

pub(crate) fn parse(text: &str) -> Result<Vec<Record>, UnclosedQuote> {
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    loop {
        let start_line = line;
        let mut fields = Vec::new();
        let at_end = loop {
            while matches!(chars.peek(), Some(' ' | '\t')) {
                chars.next();
            }
            let mut field = Field { text: String::new(), quoted: false };
            if chars.peek() == Some(&'"') {
                chars.next();
                field.quoted = true;
                let open_line = line;
                loop {
                    match chars.next() {
                        None => {
                            return Err(UnclosedQuote { line: open_line, record: records.len() });
                        }
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.text.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' || (c == '\r' && chars.peek() != Some(&'\n')) {
                                line += 1;
                            }
                            field.text.push(c);
                        }
                    }
                }
            }
            // The rest up to the separator: the whole value when unquoted; after a closing
            // quote, anything but blanks is kept too, as a relaxed reader does.
            let mut rest = String::new();
            let ended = loop {
                match chars.next() {
                    None => break Some(true),
                    Some(',') => break None,
                    Some('\n') => break Some(false),
                    Some('\r') => {
                        if chars.peek() == Some(&'\n') {
                            chars.next();
                        }
                        break Some(false);
                    }
                    Some(c) => rest.push(c),
                }
            };
            field.text.push_str(rest.trim_end_matches([' ', '\t']));
            fields.push(field);
            match ended {
                None => continue,
                Some(eof) => {
                    if !eof {
                        line += 1;
                    }
                    break eof;
                }
            }
        };
        let blank = fields.len() == 1 && !fields[0].quoted && fields[0].text.is_empty();
        if !blank {
            records.push(Record { fields, line: start_line });
        }
        if at_end {
            return Ok(records);
        }
    }
}
