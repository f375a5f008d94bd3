//! Finding the line of a key path (`intents[1].share`) in scenario text, so
//! that validation errors point where the user must look.

use toml_edit::{Document, Item, Table, Value};

/// 1-based line of a byte offset in `source`.
pub fn line_of_offset(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

#[derive(Debug, PartialEq)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        while let Some(close) = rest.find(']') {
            if let Ok(index) = rest[1..close].parse() {
                out.push(Segment::Index(index));
            }
            rest = &rest[close + 1..];
        }
    }
    out
}

/// The line of the deepest part of `path` found in the document (a missing
/// key points at its table), or `None` if the text does not parse.
pub fn line_of_key(source: &str, path: &str) -> Option<usize> {
    let doc = Document::parse(source).ok()?;
    let segments = segments(path);
    let mut table: &Table = doc.as_table();
    let mut best: Option<usize> = None;
    let mut rest = segments.iter().peekable();
    while let Some(segment) = rest.next() {
        let Segment::Key(key) = segment else { break };
        if let Some(span) = table.key(key).and_then(|k| k.span()) {
            best = Some(span.start);
        }
        match table.get(key) {
            Some(Item::Table(inner)) => table = inner,
            Some(Item::ArrayOfTables(array)) => {
                let Some(Segment::Index(i)) = rest.next() else {
                    break;
                };
                let Some(inner) = array.get(*i) else { break };
                if let Some(span) = inner.span() {
                    best = Some(span.start);
                }
                table = inner;
            }
            Some(Item::Value(Value::InlineTable(inline))) => {
                if let Some(Segment::Key(k)) = rest.peek()
                    && let Some(span) = inline.key(k).and_then(|k| k.span())
                {
                    best = Some(span.start);
                }
                break;
            }
            Some(Item::Value(Value::Array(array))) => {
                if let Some(Segment::Index(i)) = rest.peek()
                    && let Some(span) = array.get(*i).and_then(Value::span)
                {
                    best = Some(span.start);
                }
                break;
            }
            _ => break,
        }
    }
    best.map(|offset| line_of_offset(source, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "[simulation]\nname = \"x\"\n\n[[intents]]\nname = \"a\"\nshare = 0.5\n\n[[intents]]\nname = \"b\"\nshare = 0.7\nhandle_time = { dist = \"exponential\", mean = \"0s\" }\n";

    #[test]
    fn splits_paths_into_segments() {
        assert_eq!(
            segments("intents[1].handle_time"),
            vec![
                Segment::Key("intents"),
                Segment::Index(1),
                Segment::Key("handle_time")
            ]
        );
    }

    #[test]
    fn finds_a_key_inside_an_element_of_a_nested_array_of_tables() {
        let text = "[ai_agent]\nenabled = true\n[[ai_agent.incidents]]\nstart = \"1h\"\n[[ai_agent.incidents]]\neffect = \"slow\"\nstart = \"2h\"\n";
        assert_eq!(line_of_key(text, "ai_agent.incidents[1].start"), Some(7));
        assert_eq!(line_of_key(text, "ai_agent.incidents[1].length"), Some(5));
    }

    #[test]
    fn finds_keys_in_tables_and_arrays_of_tables() {
        assert_eq!(line_of_key(DOC, "simulation.name"), Some(2));
        assert_eq!(line_of_key(DOC, "intents[1].share"), Some(10));
        assert_eq!(line_of_key(DOC, "intents[1].handle_time.mean"), Some(11));
        // A missing key points at the table that should hold it.
        assert_eq!(
            line_of_key(DOC, "intents[0].skill").map(|l| (4..=5).contains(&l)),
            Some(true)
        );
        assert_eq!(line_of_key("not toml = = =", "a"), None);
    }
}
