-- news.scored/v1 gained price_report (the headline reports a move or level of oil prices
-- themselves; docs/taxonomy.md). Rows stored before it read as 0. The news view is
-- recreated so its column list includes the new column.

ALTER TABLE {db}.news_store ADD COLUMN IF NOT EXISTS price_report UInt8 DEFAULT 0 AFTER relevance;

CREATE OR REPLACE VIEW {db}.news AS SELECT * EXCEPT inserted_at FROM {db}.news_store FINAL;
