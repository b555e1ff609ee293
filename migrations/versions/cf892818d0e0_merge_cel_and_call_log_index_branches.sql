-- revision: cf892818d0e0
-- down_revision: d31ec7d08185, 484840b593b1
-- message: merge the cel and call_log index branches; check queuefeatures.mark_answered_elsewhere

ALTER TABLE queuefeatures
    ADD CONSTRAINT queuefeatures_mark_answered_elsewhere_check
    CHECK (mark_answered_elsewhere IN (0, 1));
