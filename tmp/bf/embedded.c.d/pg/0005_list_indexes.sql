-- 0005_list_indexes.sql -- lists filtered by area or channel (the console's most common
-- filters) no longer scan every appeal of a state to test the area.
CREATE INDEX appeals_area ON appeals (area_id, received_at);
CREATE INDEX appeals_channel ON appeals (channel_id, received_at);
