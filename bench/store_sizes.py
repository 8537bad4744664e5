"""Prints what a mirsad data directory's records hold per article: the text (title and body,
UTF-8 bytes), the article records (JSON with the text, and their indexes), the stored analysis
(entity mentions, quotes, events, surfaces, entity summaries and their indexes) and the story
state, from SQLite's dbstat (pages in use, so free pages are not counted).
Usage: python3 bench/store_sizes.py DATA_DIR
"""
import sqlite3, sys

db = sqlite3.connect(f"file:{sys.argv[1]}/mirsad.sqlite?mode=ro", uri=True)
ANALYSIS = {"analysis", "surface", "spelling", "surface_spelling", "surface_article", "quote_speaker",
            "event_entity", "surface_alias", "entities",
            # schema 1 and 2
            "mentions", "quotes", "events", "event_entities", "surfaces", "entity_alias"}
STORIES = {"stories", "dedup_groups", "term_df", "meta"}
owner = {name: tbl for name, tbl in db.execute("SELECT name, tbl_name FROM sqlite_master")}
parts = {"articles": 0, "analysis": 0, "stories": 0, "other": 0}
for name, size in db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
    table = owner.get(name, name)
    part = ("articles" if table == "articles" else "analysis" if table in ANALYSIS
            else "stories" if table in STORIES else "other")
    parts[part] += size
n, text = db.execute("""SELECT COUNT(*), SUM(LENGTH(CAST(json_extract(json, '$.body') AS BLOB))
                        + LENGTH(CAST(COALESCE(json_extract(json, '$.title'), '') AS BLOB))) FROM articles""").fetchone()
total = sum(parts.values())
print(f"{n} articles; per article: text {text / n:,.0f} B; records {total / n:,.0f} B = "
      + ", ".join(f"{k} {v / n:,.0f} B" for k, v in parts.items())
      + f"; analysis/text {parts['analysis'] / text:.2f}")
