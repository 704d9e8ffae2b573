//! A module's text in one language: TOML front matter, then Markdown in which every level-1
//! heading starts a page. Rendered to HTML once, at load time.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::{line_of, Problems};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    summary: String,
}

/// One language file of a module.
pub(crate) struct Document {
    pub title: String,
    pub summary: String,
    pub pages: Vec<DocumentPage>,
}

pub(crate) struct DocumentPage {
    pub id: String,
    pub title: String,
    pub html: String,
    pub line: usize,
}

/// Where a module's links may point.
pub(crate) struct LinkTargets<'a> {
    /// Modules of the same programme (and the optional modules it offers), by id, with the
    /// 1-based position used in addresses. Empty for optional modules, which stand alone.
    pub modules: &'a HashMap<String, usize>,
}

const FENCE: &str = "+++";

pub(crate) fn parse(source: &str, problems: &mut Problems, targets: &LinkTargets) -> Option<Document> {
    let Some(rest) = source.strip_prefix(FENCE).and_then(|r| r.strip_prefix('\n')) else {
        problems.at(1, "the file must start with front matter: a line `+++`, `title = \"…\"`, `summary = \"…\"`, `+++`");
        return None;
    };
    let Some(end) = rest.find("\n+++\n").or_else(|| rest.strip_suffix("\n+++").map(|r| r.len())) else {
        problems.at(1, "the front matter is not closed by a line `+++`");
        return None;
    };
    let front = &rest[..=end];
    let front: FrontMatter = match toml::from_str(front) {
        Ok(f) => f,
        Err(e) => {
            let line = 1 + e.span().map_or(1, |s| line_of(front, s.start));
            problems.at(line, &format!("front matter: {}", e.message()));
            return None;
        }
    };
    for (name, value) in [("title", &front.title), ("summary", &front.summary)] {
        if value.trim().is_empty() {
            problems.at(2, &format!("front matter: `{name}` is empty"));
        }
    }
    let body_start = FENCE.len() + 1 + end + FENCE.len() + 2;
    let body = source.get(body_start..).unwrap_or("");
    let line_in_file = |offset: usize| line_of(source, body_start + offset);

    let mut options = Options::empty();
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(body, options).into_offset_iter().collect();

    // First pass: where the pages start and what they are called.
    struct Start {
        index: usize,
        id: String,
        title: String,
        line: usize,
    }
    let mut starts: Vec<Start> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        if let Event::Start(Tag::Heading { level: HeadingLevel::H1, id, .. }) = event {
            let line = line_in_file(range.start);
            let mut title = String::new();
            let mut j = i + 1;
            while !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    title.push_str(t);
                }
                j += 1;
            }
            let id = id.as_deref().unwrap_or_default();
            if id.is_empty() {
                problems.at(line, "a page heading needs an id, like `# Title {#page-id}`");
            } else if !is_identifier(id) {
                problems.at(line, &format!("page id `{id}` may only hold lowercase letters, digits and `-`"));
            } else if starts.iter().any(|s| s.id == id) {
                problems.at(line, &format!("page id `{id}` is used twice"));
            }
            starts.push(Start { index: i, id: id.to_string(), title: title.trim().to_string(), line });
            if title.trim().is_empty() {
                problems.at(line, "a page heading has no title");
            }
            i = j;
        } else if starts.is_empty() && !matches!(event, Event::SoftBreak | Event::HardBreak) {
            problems.at(line_in_file(range.start), "text before the first page heading (`# Title {#page-id}`)");
            // Report it once, not for every event before the first heading.
            while i + 1 < events.len() && !matches!(events[i + 1].0, Event::Start(Tag::Heading { level: HeadingLevel::H1, .. })) {
                i += 1;
            }
        }
        i += 1;
    }
    if starts.is_empty() {
        problems.at(line_of(source, body_start), "the module has no pages: start each page with `# Title {#page-id}`");
        return None;
    }
    let page_ids: Vec<&str> = starts.iter().map(|s| s.id.as_str()).collect();

    // Second pass: each page's body to HTML, checking what the content may contain.
    let mut pages = Vec::new();
    for (n, start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(events.len(), |s| s.index);
        let mut body_events = Vec::new();
        let mut in_heading = true;
        for (event, range) in &events[start.index..end] {
            if in_heading {
                in_heading = !matches!(event, Event::End(TagEnd::Heading(_)));
                continue;
            }
            let line = line_in_file(range.start);
            let event = match event.clone() {
                Event::Html(_) | Event::InlineHtml(_) => {
                    problems.at(line, "raw HTML is not allowed in module text");
                    continue;
                }
                Event::Start(Tag::Image { .. }) => {
                    problems.at(line, "images are not allowed in module text");
                    continue;
                }
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    match resolve_link(&dest_url, &page_ids, targets) {
                        Ok(href) => Event::Start(Tag::Link { link_type, dest_url: href.into(), title, id }),
                        Err(message) => {
                            problems.at(line, &message);
                            Event::Start(Tag::Link { link_type, dest_url, title, id })
                        }
                    }
                }
                // The page title is the page's heading; headings inside a page sit one level below it.
                Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                    if level == HeadingLevel::H1 {
                        unreachable!("level-1 headings start pages");
                    }
                    Event::Start(Tag::Heading { level: one_lower(level), id, classes, attrs })
                }
                Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(one_lower(level))),
                other => other,
            };
            body_events.push(event);
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, body_events.into_iter());
        pages.push(DocumentPage { id: start.id.clone(), title: start.title.clone(), html, line: start.line });
    }
    Some(Document { title: front.title, summary: front.summary, pages })
}

fn one_lower(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Links become addresses relative to the module page (`/programmes/{e}/modules/{n}`), so that
/// the stored HTML does not depend on the enrolment it is shown in.
fn resolve_link(dest: &CowStr, page_ids: &[&str], targets: &LinkTargets) -> Result<String, String> {
    if let Some(page) = dest.strip_prefix('#') {
        return match page_ids.iter().position(|p| *p == page) {
            Some(index) => Ok(format!("?page={}", index + 1)),
            None => Err(format!("link to page `#{page}`, which this module does not have")),
        };
    }
    if let Some(module) = dest.strip_prefix("module:") {
        return match targets.modules.get(module) {
            Some(position) => Ok(position.to_string()),
            None if targets.modules.is_empty() => Err(format!("link to module `{module}`: an optional module may not link to other modules")),
            None => Err(format!("link to module `{module}`, which this programme does not have")),
        };
    }
    if dest.starts_with("https://") && dest.len() > "https://".len() {
        return Ok(dest.to_string());
    }
    Err(format!("link to `{dest}`: links must be `#page-id`, `module:<module-id>` or `https://…`"))
}

/// Stable identifiers: lowercase ASCII letters, digits and `-`, not starting or ending with `-`.
pub(crate) fn is_identifier(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(source: &str) -> Document {
        let modules = HashMap::from([("other".to_string(), 2)]);
        let mut problems = Problems::new("m/nb.md".into());
        let doc = parse(source, &mut problems, &LinkTargets { modules: &modules });
        assert!(problems.is_empty(), "{:?}", problems.into_vec());
        doc.unwrap()
    }

    fn problems_of(source: &str) -> Vec<String> {
        let modules = HashMap::from([("other".to_string(), 2)]);
        let mut problems = Problems::new("m/nb.md".into());
        parse(source, &mut problems, &LinkTargets { modules: &modules });
        problems.into_vec().iter().map(|p| p.to_string()).collect()
    }

    const HEAD: &str = "+++\ntitle = \"T\"\nsummary = \"S\"\n+++\n";

    #[test]
    fn pages_split_at_level_one_headings_and_links_resolve() {
        let doc = parse_ok(&format!(
            "{HEAD}\n# Første {{#first}}\n\nHei [neste](#second) og [modul](module:other).\n\n## Under\n\n# Andre {{#second}}\n\nSlutt [hn](https://www.helsenorge.no).\n"
        ));
        assert_eq!(doc.title, "T");
        assert_eq!(doc.pages.len(), 2);
        assert_eq!((doc.pages[0].id.as_str(), doc.pages[0].title.as_str(), doc.pages[0].line), ("first", "Første", 6));
        assert!(doc.pages[0].html.contains(r#"<a href="?page=2">neste</a>"#), "{}", doc.pages[0].html);
        assert!(doc.pages[0].html.contains(r#"<a href="2">modul</a>"#));
        assert!(doc.pages[0].html.contains("<h3>Under</h3>"), "headings move one level down");
        assert!(doc.pages[1].html.contains(r#"href="https://www.helsenorge.no""#));
    }

    #[test]
    fn problems_name_the_line() {
        let source = format!("{HEAD}\nIntro.\n\n# Uten id\n\n# Side {{#side}}\n\n<b>fet</b> ![bilde](x.png) [x](#mangler) [y](module:ukjent) [z](http://a)\n");
        assert_eq!(
            problems_of(&source),
            [
                "m/nb.md:6: text before the first page heading (`# Title {#page-id}`)",
                "m/nb.md:8: a page heading needs an id, like `# Title {#page-id}`",
                "m/nb.md:12: raw HTML is not allowed in module text",
                "m/nb.md:12: images are not allowed in module text",
                "m/nb.md:12: link to page `#mangler`, which this module does not have",
                "m/nb.md:12: link to module `ukjent`, which this programme does not have",
                "m/nb.md:12: link to `http://a`: links must be `#page-id`, `module:<module-id>` or `https://…`",
            ]
        );
    }

    #[test]
    fn front_matter_is_required_and_checked() {
        assert_eq!(problems_of("# Side {#s}\n"), ["m/nb.md:1: the file must start with front matter: a line `+++`, `title = \"…\"`, `summary = \"…\"`, `+++`"]);
        assert_eq!(problems_of("+++\ntitle = \"T\"\n# Side {#s}\n"), ["m/nb.md:1: the front matter is not closed by a line `+++`"]);
        let p = problems_of("+++\ntitle = \"T\"\nsummery = \"S\"\n+++\n# S {#s}\n");
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("m/nb.md:3: front matter: unknown field `summery`"), "{p:?}");
        assert_eq!(problems_of(&format!("{HEAD}\nNo pages\n")).len(), 2);
        assert_eq!(problems_of(&format!("{HEAD}# A {{#a}}\n# B {{#a}}\n# C {{#Bad}}\n")), [
            "m/nb.md:6: page id `a` is used twice",
            "m/nb.md:7: page id `Bad` may only hold lowercase letters, digits and `-`",
        ]);
    }

    #[test]
    fn identifiers() {
        for ok in ["a", "panic-cycle", "week-2"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "A", "æ", "a_b", "a b"] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }
}
