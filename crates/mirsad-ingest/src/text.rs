//! Text scrapes to blocks.
use crate::document::{Block, BlockKind};

/// A scrape copied from a rendered page: every non-empty line is a block.
pub fn scrape_blocks(text: &str) -> Vec<Block> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| Block::new(BlockKind::Paragraph, l)).collect()
}

/// A corpus body that is already main text: every non-empty line is a paragraph.
pub fn body_blocks(text: &str) -> Vec<Block> {
    scrape_blocks(text)
}
