-- Content identity of an article (shared/contracts/content-id.ts: normalised title + source +
-- a one-day window): the correlator looks a new article's content up here and neither stores nor
-- measures a copy of a story it has under another id (feeds that rotate guids at every poll).
-- Rows written before have '' and match nothing.

ALTER TABLE {db}.news_store ADD COLUMN IF NOT EXISTS content_id String DEFAULT '';

-- news_store is ordered by id: the skip index keeps the lookup by content from reading every part.
ALTER TABLE {db}.news_store ADD INDEX IF NOT EXISTS content_id_idx content_id TYPE bloom_filter(0.01) GRANULARITY 1;
