-- revision: 484840b593b1
-- down_revision: 202ce70d44ed
-- message: add index on call_log.date

CREATE INDEX call_log__idx__date ON call_log (date);
