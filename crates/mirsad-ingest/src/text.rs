//! Text to blocks: a scrape copied from a rendered page, or a corpus body.

use crate::document::{Block, BlockKind};

/// Characters that open a bulleted line in scraped text.
const BULLETS: &[char] = &['•', '●', '▪', '■', '◦', '·', '*', '-', '–', '»'];

/// A scrape: every non-empty line is a block; bulleted lines are list items. Pages copied
/// from a browser put one paragraph per line, sometimes with blank lines between them.
pub fn scrape_blocks(text: &str) -> Vec<Block> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.strip_prefix(BULLETS) {
            Some(rest) if rest.starts_with(char::is_whitespace) => Block::new(BlockKind::ListItem, rest.trim()),
            _ => Block::new(BlockKind::Paragraph, l),
        })
        .collect()
}

/// A corpus body that is already main text: paragraphs are lines (or blank-line separated).
pub fn body_blocks(text: &str) -> Vec<Block> {
    scrape_blocks(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_bullets() {
        let b = scrape_blocks("عنوان\n\n  • بند أول\n- بند ثان\n-5 درجات\nفقرة");
        assert_eq!(b.len(), 5);
        assert_eq!(b[1], Block::new(BlockKind::ListItem, "بند أول"));
        assert_eq!(b[2].kind, BlockKind::ListItem);
        assert_eq!(b[3], Block::new(BlockKind::Paragraph, "-5 درجات"));
    }
}
