-- revision: 814abd3dc6af
-- down_revision: 0e6b096df541
-- message: add queuefeatures.mark_answered_elsewhere

ALTER TABLE queuefeatures ADD COLUMN mark_answered_elsewhere INTEGER NOT NULL DEFAULT 0;
