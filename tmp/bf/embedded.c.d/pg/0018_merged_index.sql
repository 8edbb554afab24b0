-- 0018_merged_index.sql -- the appeals merged into one (a rejection or a merge of that one
-- asks how many there are; issue 16, item 1): a partial index, as few appeals are merged.
CREATE INDEX IF NOT EXISTS appeals_merged_into ON appeals (merged_into)
    WHERE merged_into IS NOT NULL;
